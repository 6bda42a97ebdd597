"""The machine room's forms: the room and one per log entry."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from szmz_security.core.forms import (
    DATETIME_FORMAT,
    ActiveUserChoiceField,
    BootstrapFormMixin,
    datetime_input,
    local_now,
)
from szmz_security.core.validators import validate_happened
from szmz_security.org.roles import DEPARTMENT_HEAD, SECURITY_OFFICER

from ..register.forms import date_input, department_choices, department_members, people
from ..register.models import Asset
from .models import ROOM_FIELDS, BackupRecord, FireCheck, MachineRoom, RoomAccess, RoomChange


class MachineRoomForm(BootstrapFormMixin, forms.ModelForm):
    responsible = ActiveUserChoiceField(label="机房负责人", queryset=get_user_model().objects.none())

    class Meta:
        model = MachineRoom
        fields = [*ROOM_FIELDS, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_choices(
            user, MachineRoom, self.instance.department_id
        )
        responsible = department_members(self.fields["department"].queryset)
        if self.instance.responsible_id:
            responsible = people().filter(
                Q(pk__in=responsible.values("pk")) | Q(pk=self.instance.responsible_id)
            )
        self.fields["responsible"].queryset = responsible


def room_approvers(room):
    """Who may approve entering or changing the room: the security officers (信息中心), the room's
    department heads and its responsible person."""
    user_groups = get_user_model().groups.through.objects
    officers = user_groups.filter(group__name=SECURITY_OFFICER.name).values("user_id")
    heads = (
        user_groups.filter(group__name=DEPARTMENT_HEAD.name)
        .filter(user_id__in=user_groups.filter(group_id=room.department.group_id).values("user_id"))
        .values("user_id")
    )
    return people().filter(Q(pk__in=officers) | Q(pk__in=heads) | Q(pk=room.responsible_id))


class RoomAccessForm(BootstrapFormMixin, forms.ModelForm):
    approved_by = ActiveUserChoiceField(label="批准人", queryset=get_user_model().objects.none())

    class Meta:
        model = RoomAccess
        fields = [
            "visitor",
            "organisation",
            "purpose",
            "escort",
            "approved_by",
            "approved_at",
            "entered_at",
            "left_at",
        ]
        widgets = {
            "approved_at": datetime_input(),
            "entered_at": datetime_input(),
            "left_at": datetime_input(),
        }

    def __init__(self, *args, room=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = room_approvers(room)
        for name in ("approved_at", "entered_at", "left_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT]
        self.initial.setdefault("entered_at", local_now())


class DepartureForm(BootstrapFormMixin, forms.Form):
    left_at = forms.DateTimeField(
        validators=[validate_happened],
        label="离开时间",
        widget=datetime_input(),
        input_formats=[DATETIME_FORMAT],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("left_at", local_now())


class RoomChangeForm(BootstrapFormMixin, forms.ModelForm):
    approved_by = ActiveUserChoiceField(label="批准人", queryset=get_user_model().objects.none())
    performed_by = ActiveUserChoiceField(label="实施人", queryset=get_user_model().objects.none())
    asset_number = forms.CharField(
        label="涉及资产编号", required=False, help_text="可选：填写固定资产编号，如 SZMZ-PC-00012。"
    )

    class Meta:
        model = RoomChange
        fields = [
            "kind",
            "description",
            "asset_number",
            "approved_by",
            "approved_at",
            "performed_by",
            "performed_at",
        ]
        widgets = {
            "approved_at": datetime_input(),
            "performed_at": datetime_input(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, room=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        approvers = room_approvers(room)
        self.fields["approved_by"].queryset = approvers
        performers = (
            approvers if user is None else people().filter(Q(pk__in=approvers.values("pk")) | Q(pk=user.pk))
        )
        self.fields["performed_by"].queryset = performers
        for name in ("approved_at", "performed_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT]
        self.initial.setdefault("performed_at", local_now())
        if user is not None:
            self.initial.setdefault("performed_by", user.pk)

    def clean_asset_number(self):
        number = self.cleaned_data["asset_number"].strip()
        if not number:
            return None
        asset = Asset.objects.visible_to(self.user, "view").filter(number=number).first()
        if asset is None:
            raise forms.ValidationError(f"未找到编号为“{number}”的资产。")
        return asset


class BackupRecordForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = BackupRecord
        fields = ["date", "systems", "medium", "succeeded", "note"]
        widgets = {"date": date_input(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())

    def validate_unique(self):
        # The service decides (a failed backup may be replaced the same day).
        pass


class FireCheckForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FireCheck
        fields = ["checked_on", "extinguishers_ok", "findings"]
        widgets = {"checked_on": date_input(), "findings": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("checked_on", timezone.localdate())

    def _post_clean(self):
        # The month and the room are the service's: model validation runs there.
        pass
