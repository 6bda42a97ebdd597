"""Asset forms: the register, the machine room's log entries, and the IP plan — subnets, IP
assignments, MACs and the monthly reconciliation's upload, resolution and sign-off.

The rules live in ``services`` and ``reconciliation``: a ``ValidationError`` they raise is put
next to the field it names (``add_service_errors``).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from incidents.categories import SUBCATEGORY_CHOICES
from szmz_security.core.choices import NetworkZone
from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_happened, validate_plausible_date
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department, display_name
from szmz_security.org.roles import DEPARTMENT_HEAD, SECURITY_OFFICER

from .models import (
    Asset,
    BackupRecord,
    FireCheck,
    IPAssignment,
    MachineRoom,
    Reconciliation,
    ReconciliationItem,
    RoomAccess,
    RoomChange,
    Subnet,
)
from .reconciliation import ALLOWED_RESOLUTIONS, find_asset

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def local_now():
    return timezone.localtime().strftime(DATETIME_FORMAT)


def add_service_errors(form, error, field_map=None):
    """A service's ValidationError on the form: each key next to its field (``field_map`` renames
    service keys to form fields), the rest on top."""
    field_map = field_map or {}
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for key, messages in items:
        field = field_map.get(key, key)
        field = field if field in form.fields else None
        for message in messages:
            form.add_error(field, message)
        if field:
            widget = form.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = display_name(user)
        return name if name == user.get_username() else f"{name}（{user.get_username()}）"


def department_choices(user, model, current=None):
    """The departments ``user`` may file a ``model`` for, and the record's ``current`` one."""
    departments = creatable_departments(user, model)
    if current:
        departments = Department.objects.filter(Q(pk__in=departments.values("pk")) | Q(pk=current))
    return departments.order_by("sort_order", "code")


def people():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


def department_members(departments):
    """Active users with a profile who belong to one of ``departments``."""
    groups = Department.objects.filter(pk__in=departments.values("pk")).values("group_id")
    return people().filter(
        profile__isnull=False,
        pk__in=get_user_model().groups.through.objects.filter(group_id__in=groups).values("user_id"),
    )


# --- the register ---------------------------------------------------------------------------------


class AssetForm(BootstrapFormMixin, forms.ModelForm):
    """The register's form. Django's model validation calls ``Asset.clean()``, so each rule's
    message shows next to its field."""

    SECTIONS = (
        ("基本信息", ("number", "type", "name", "model_number", "serial", "purchase_date", "status")),
        ("归属", ("department", "custodian", "location")),
        ("安全属性", ("zone", "secrecy", "data_grade", "critical_infrastructure", "wireless_removed")),
        ("防病毒", ("antivirus_product", "antivirus_updated_on")),
        ("备注", ("note",)),
    )

    custodian = PersonChoiceField(label="责任人", queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Asset
        fields = [
            "number",
            "type",
            "name",
            "model_number",
            "serial",
            "purchase_date",
            "status",
            "department",
            "custodian",
            "location",
            "zone",
            "secrecy",
            "data_grade",
            "critical_infrastructure",
            "wireless_removed",
            "antivirus_product",
            "antivirus_updated_on",
            "note",
        ]
        widgets = {
            "purchase_date": date_input(),
            "antivirus_updated_on": date_input(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.department_id
        self.fields["department"].queryset = department_choices(user, Asset, current)
        # The custodian: someone of the departments offered (an officer: anyone with a profile),
        # or whoever holds the asset now.
        custodians = department_members(self.fields["department"].queryset)
        if self.instance.custodian_id:
            custodians = people().filter(Q(pk__in=custodians.values("pk")) | Q(pk=self.instance.custodian_id))
        self.fields["custodian"].queryset = custodians
        if len(self.fields["department"].queryset) == 1 and not current:
            self.initial.setdefault("department", self.fields["department"].queryset[0].pk)

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


# --- the machine room -----------------------------------------------------------------------------


class MachineRoomForm(BootstrapFormMixin, forms.ModelForm):
    responsible = PersonChoiceField(label="机房负责人", queryset=get_user_model().objects.none())

    class Meta:
        model = MachineRoom
        fields = [
            "name",
            "location",
            "department",
            "responsible",
            "daily_backup_required",
            "fire_check_required",
            "active",
            "note",
        ]
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
    approved_by = PersonChoiceField(label="批准人", queryset=get_user_model().objects.none())

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
    approved_by = PersonChoiceField(label="批准人", queryset=get_user_model().objects.none())
    performed_by = PersonChoiceField(label="实施人", queryset=get_user_model().objects.none())
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


# --- subnets, IP assignments and MACs -------------------------------------------------------------


class SubnetForm(BootstrapFormMixin, forms.ModelForm):
    """Saved by ``services.save_subnet``; ``Subnet.clean`` normalises the CIDR and refuses host
    bits, a gateway outside and an overlap within the zone (each next to its field)."""

    class Meta:
        model = Subnet
        fields = ["cidr", "name", "zone", "department", "vlan", "gateway", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_choices(user, Subnet, self.instance.department_id)
        if not self.instance.pk:
            self.fields["department"].initial = Department.objects.of_user(user).first()


class AssetNumberField(forms.CharField):
    """An asset by its fixed-asset number (a select of 100,000 assets would not load)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "资产编号")
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)


def _asset_by_number(user, number, field_errors, field="asset_number"):
    asset = find_asset(user, number)
    if asset is None:
        field_errors[field] = f"未找到您可以登记的资产“{number}”。"
    return asset


class IPAssignmentForm(BootstrapFormMixin, forms.ModelForm):
    """Saved by ``services.assign_ip`` / ``update_assignment`` (every notation of IP and MAC)."""

    ip = forms.CharField(label="IP 地址", max_length=60, help_text="IPv4 或 IPv6，须在该区域已登记的网段内。")
    mac = forms.CharField(
        label="MAC 地址",
        max_length=30,
        required=False,
        help_text="任意写法：AA-BB-CC-DD-EE-FF、aabb.ccdd.eeff、aabbccddeeff；新 MAC 将登记到该资产。",
    )
    asset_number = AssetNumberField(required=False, help_text="登记 MAC 时必填。")

    class Meta:
        model = IPAssignment
        fields = ["ip", "zone", "mac", "hostname", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.order_fields(["ip", "zone", "mac", "asset_number", "hostname", "note"])
        if self.instance.pk and self.instance.asset_id:
            self.fields["asset_number"].initial = self.instance.asset.number
        if not self.instance.pk and "asset" in self.initial:
            self.fields["asset_number"].initial = self.initial["asset"]

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("asset_number") or "").strip()
        cleaned["asset"] = None
        if number:
            current = self.instance.asset if self.instance.pk and self.instance.asset_id else None
            if current is not None and current.number == number:
                cleaned["asset"] = current
            else:
                errors = {}
                cleaned["asset"] = _asset_by_number(self.user, number, errors)
                for field, message in errors.items():
                    self.add_error(field, message)
        return cleaned

    def _post_clean(self):
        # The service validates and saves (assign_ip / update_assignment); the model's own clean
        # would run twice otherwise.
        pass


class MacAddressForm(BootstrapFormMixin, forms.Form):
    mac = forms.CharField(label="MAC 地址", max_length=30, help_text="任意写法，如 AA-BB-CC-DD-EE-FF。")
    asset_number = AssetNumberField()
    interface = forms.CharField(label="网卡", max_length=50, required=False, help_text="如 有线网卡、eth0")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("asset_number"):
            errors = {}
            cleaned["asset"] = _asset_by_number(self.user, cleaned["asset_number"], errors)
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned


# --- the monthly reconciliation -------------------------------------------------------------------


class ReconciliationUploadForm(BootstrapFormMixin, forms.Form):
    zone = forms.ChoiceField(label="网络区域", choices=[("", "（请选择）"), *NetworkZone.choices])
    source = forms.ChoiceField(label="数据来源", choices=Reconciliation.Source.choices)
    month = forms.DateField(
        validators=[validate_plausible_date],
        label="核查月份",
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="默认为本月。",
    )
    scan = forms.FileField(
        label="扫描结果（CSV）",
        help_text=(
            "ARP 表、DHCP 租约或交换机 MAC 表导出的 CSV（逗号或制表符分隔，UTF-8），须含 IP 与 MAC 列，"
            "可含主机名与时间列；列名如 IP Address / Internet Address、MAC Address / Physical Address / "
            "hwaddr、Hostname / client-hostname、Time / Last Seen。任何一行有误则整份不导入。"
        ),
    )

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month and month > timezone.localdate():
            raise forms.ValidationError("核查月份不能晚于本月。")
        return month


class ResolveItemForm(BootstrapFormMixin, forms.Form):
    resolution = forms.ChoiceField(label="处理方式", widget=forms.RadioSelect)
    asset_number = AssetNumberField(
        required=False, help_text="登记：MAC 与 IP 登记到该资产；编号不存在时填写下方信息新建资产。"
    )
    new_name = forms.CharField(label="新资产名称", max_length=200, required=False)
    new_type = forms.ChoiceField(
        label="新资产类型", choices=[("", "（请选择）"), *Asset.Type.choices], required=False
    )
    new_department = forms.ModelChoiceField(
        label="新资产所属部门", queryset=Department.objects.none(), required=False
    )
    subcategory = forms.ChoiceField(
        label="事件子类",
        choices=[("", "（按差异类型自动选择）"), *SUBCATEGORY_CHOICES],
        required=False,
        help_text="转安全事件时使用；不选则未登记设备记为“其他事件”，IP 冲突记为“其他网络攻击事件”。",
    )
    note = forms.CharField(
        label="处理说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="“已说明”时必填。",
    )

    def __init__(self, *args, user, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.item = item
        self.fields["resolution"].choices = [
            (value, ReconciliationItem.Resolution(value).label) for value in ALLOWED_RESOLUTIONS[item.kind]
        ]
        self.fields["resolution"].widget.attrs["class"] = "form-check-input me-1"
        self.fields["new_department"].queryset = creatable_departments(user, Asset)
        if ReconciliationItem.Resolution.REGISTERED not in ALLOWED_RESOLUTIONS[item.kind]:
            for name in ("asset_number", "new_name", "new_type", "new_department"):
                del self.fields[name]
        if ReconciliationItem.Resolution.INCIDENT not in ALLOWED_RESOLUTIONS[item.kind]:
            del self.fields["subcategory"]

    def service_kwargs(self, run):
        data = self.cleaned_data
        resolution = data["resolution"]
        kwargs = {"note": data.get("note", "")}
        if resolution == ReconciliationItem.Resolution.REGISTERED:
            number = (data.get("asset_number") or "").strip()
            if not number:
                raise forms.ValidationError({"asset_number": "请填写要登记到的资产编号。"})
            asset = Asset.objects.visible_to(self.user, "change").filter(number=number).first()
            if asset is not None:
                kwargs["asset"] = asset
            elif Asset.objects.filter(number=number).exists():
                raise forms.ValidationError({"asset_number": f"资产“{number}”不在您可管理的范围内。"})
            elif not data.get("new_name"):
                raise forms.ValidationError(
                    {"asset_number": f"未找到资产“{number}”；如需新建，请填写新资产名称、类型与所属部门。"}
                )
            else:
                kwargs["new_asset"] = {
                    "number": number,
                    "name": data["new_name"],
                    "type": data.get("new_type") or "",
                    "department": data.get("new_department"),
                    "zone": run.zone,
                }
        elif resolution == ReconciliationItem.Resolution.INCIDENT:
            kwargs["subcategory"] = data.get("subcategory") or None
        return kwargs


class SignOffForm(BootstrapFormMixin, forms.Form):
    sign_off_note = forms.CharField(
        label="签核意见", required=False, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "可选"})
    )
