"""Forms of the governance records."""

from django import forms
from django.utils import timezone

from assets.models import Asset
from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_happened, validate_plausible_date
from szmz_security.org.access import creatable_departments

from ..common import PersonChoiceField, active_people, date_input
from .models import (
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    ScanFinding,
    SecurityScan,
    TrainingSession,
)


class ScopedModelForm(BootstrapFormMixin, forms.ModelForm):
    """A department-owned record: the departments offered are those the user may file for."""

    person_fields = ()
    date_fields = ()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].queryset = creatable_departments(user, self._meta.model)
        for name in self.person_fields:
            field = self.fields[name]
            self.fields[name] = PersonChoiceField(
                label=field.label,
                queryset=active_people(),
                required=field.required,
                help_text=field.help_text,
            )
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in self.date_fields:
            self.fields[name].widget = date_input()
            self.fields[name].widget.attrs["class"] = "form-control"


class OfficerAppointmentForm(ScopedModelForm):
    person_fields = ("person",)
    date_fields = ("appointed_on", "ended_on")

    class Meta:
        model = OfficerAppointment
        fields = ["person", "kind", "phone", "appointed_on", "ended_on", "department", "note"]


class OnCallShiftForm(ScopedModelForm):
    person_fields = ("person",)
    date_fields = ("starts_on", "ends_on")

    class Meta:
        model = OnCallShift
        fields = ["person", "phone", "starts_on", "ends_on", "department", "note"]


class SecurityScanForm(ScopedModelForm):
    person_fields = ("performed_by",)
    date_fields = ("scanned_on",)

    class Meta:
        model = SecurityScan
        fields = ["scanned_on", "tool", "system", "performed_by", "summary", "department"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class ScanFindingForm(BootstrapFormMixin, forms.Form):
    severity = forms.ChoiceField(label="风险等级", choices=ScanFinding.Severity.choices, initial="medium")
    description = forms.CharField(label="漏洞描述", widget=forms.Textarea(attrs={"rows": 2}))
    owner = PersonChoiceField(label="整改责任人", queryset=active_people())
    fix_due = forms.DateField(validators=[validate_plausible_date], label="整改期限", widget=date_input())


class ScanFindingFixForm(BootstrapFormMixin, forms.Form):
    fixed_on = forms.DateField(
        validators=[validate_happened], label="整改完成日期", widget=date_input(), initial=timezone.localdate
    )
    note = forms.CharField(label="整改情况", required=False, max_length=500)


class PatchRecordForm(ScopedModelForm):
    person_fields = ("applied_by",)
    date_fields = ("applied_on",)

    class Meta:
        model = PatchRecord
        fields = ["system", "asset", "patch_id", "applied_on", "applied_by", "note", "department"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["asset"].queryset = Asset.objects.visible_to(user).order_by("pk")
        self.fields["asset"].widget = forms.NumberInput(attrs={"class": "form-control"})
        self.fields["asset"].help_text = "资产台账中的编号（可不填）"


class LogSourceForm(ScopedModelForm):
    person_fields = ("verified_by",)
    date_fields = ("last_verified_on",)

    class Meta:
        model = LogSource
        fields = [
            "system",
            "location",
            "retention_days",
            "last_verified_on",
            "verified_by",
            "note",
            "department",
        ]


class TrainingSessionForm(ScopedModelForm):
    date_fields = ("held_on",)

    class Meta:
        model = TrainingSession
        fields = ["title", "held_on", "trainer", "audience", "hours", "note", "department"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class AttendanceForm(BootstrapFormMixin, forms.Form):
    users = forms.ModelMultipleChoiceField(label="人员", queryset=active_people())
    attended = forms.TypedChoiceField(
        label="签到", choices=[("1", "已参加"), ("0", "缺席")], coerce=lambda v: v == "1", initial="1"
    )


class AccountReviewCloseForm(BootstrapFormMixin, forms.Form):
    accounts_disabled = forms.CharField(
        label="已停用账号",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="系统/账号，每行一个",
    )
    rights_changed = forms.CharField(
        label="已调整权限",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="邮箱、系统权限等",
    )
    note = forms.CharField(label="核对说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PrivilegedAccountForm(ScopedModelForm):
    person_fields = ("holder", "approved_by")
    date_fields = ("approved_on",)

    class Meta:
        model = PrivilegedAccount
        fields = [
            "system",
            "account_name",
            "holder",
            "approved_by",
            "approved_on",
            "password_interval_days",
            "active",
            "department",
        ]


class PasswordChangeForm(BootstrapFormMixin, forms.Form):
    changed_on = forms.DateField(
        validators=[validate_happened], label="更换日期", widget=date_input(), initial=timezone.localdate
    )
