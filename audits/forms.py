"""Forms of the risk-assessment screens: thin shells over ``services`` (the rules live there; a
service's ValidationError is shown next to the field it names)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_happened, validate_plausible_date
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department, display_name

from .models import (
    ExternalAssessment,
    Finding,
    GoLiveAssessment,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    Project,
    ReviewItem,
    Risk,
    RiskEstimate,
    ScanFinding,
    SecurityScan,
    TrainingSession,
)

DATE_INPUT = {"type": "date"}


def date_input():
    return forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")


def add_service_errors(form, error, field_map=None):
    """A service's ValidationError next to the field it names, anything else above the form."""
    field_map = field_map or {}
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for key, messages in items:
        field = field_map.get(key, key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


def active_people():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


class ReviewItemForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(label="评估结果", choices=ReviewItem.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="证据说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="部分符合、不符合须说明依据（检查了什么、发现什么）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons, not a text box: BootstrapFormMixin's form-control does not suit them.
        self.fields["result"].widget.attrs["class"] = "form-check-input"


class FindingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="发现的问题", max_length=300)
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label="严重程度", choices=Finding.Severity.choices, initial="medium")
    department = forms.ModelChoiceField(label="责任部门", queryset=Department.objects.filter(is_active=True))
    owner = PersonChoiceField(label="责任人", queryset=active_people())
    due_at = forms.DateField(validators=[validate_plausible_date], label="完成期限", widget=date_input())
    item = forms.ModelChoiceField(label="对应评估项", queryset=ReviewItem.objects.none(), required=False)

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["item"].queryset = review.items.select_related("clause__chapter")
        else:
            del self.fields["item"]

    def clean_due_at(self):
        from .services import end_of_day

        return end_of_day(self.cleaned_data["due_at"])


class CirculateForm(BootstrapFormMixin, forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label="通报部门",
        queryset=Department.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )


class SignOffForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(label="评估结论", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExternalAssessmentForm(BootstrapFormMixin, forms.ModelForm):
    report_file = forms.FileField(label="测评报告（PDF）", required=False)

    class Meta:
        model = ExternalAssessment
        fields = ["kind", "assessor", "assessed_on", "systems", "assets", "conclusion", "department"]
        widgets = {
            "assessed_on": date_input(),
            "systems": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = creatable_departments(user, ExternalAssessment)
        self.fields["assets"].queryset = self.fields["assets"].queryset.order_by("pk")
        if self.instance.pk is None:
            from .services import review_department

            department = review_department()
            if department is not None:
                self.fields["department"].initial = department.pk


class ProjectForm(BootstrapFormMixin, forms.ModelForm):
    owner = PersonChoiceField(label="项目负责人", queryset=active_people())

    class Meta:
        model = Project
        fields = ["name", "department", "owner", "system", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = creatable_departments(user, Project)
        if self.instance.pk is None and user is not None:
            self.fields["owner"].initial = user.pk


class EstimateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = RiskEstimate
        fields = ["assessor", "assessed_on", "risks_identified", "acceptable", "conclusion"]
        widgets = {
            "assessed_on": date_input(),
            "risks_identified": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class GoLiveAssessmentForm(BootstrapFormMixin, forms.ModelForm):
    report_file = forms.FileField(label="评估报告（PDF）", required=False)

    class Meta:
        model = GoLiveAssessment
        fields = ["assessor", "assessed_on", "passed", "conclusion"]
        widgets = {"assessed_on": date_input(), "conclusion": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=Project.State.choices)


class RiskForm(BootstrapFormMixin, forms.ModelForm):
    owner = PersonChoiceField(label="风险责任人", queryset=active_people())

    class Meta:
        model = Risk
        fields = [
            "title",
            "description",
            "department",
            "owner",
            "project",
            "likelihood",
            "severity",
            "treatment",
            "plan",
            "next_review",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 3}),
            "next_review": date_input(),
            "likelihood": forms.Select(choices=[(i, str(i)) for i in range(1, 6)]),
            "severity": forms.Select(choices=[(i, str(i)) for i in range(1, 6)]),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = creatable_departments(user, Risk)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("name")
        if self.instance.pk is None and user is not None:
            self.fields["owner"].initial = user.pk
        # Acceptance is its own action with an approver (not the owner): not editable here.
        self.fields["treatment"].choices = [
            choice for choice in Risk.Treatment.choices if choice[0] != Risk.Treatment.ACCEPT
        ] + ([(Risk.Treatment.ACCEPT, Risk.Treatment.ACCEPT.label)] if self.instance.accepted_by_id else [])


class RiskAcceptForm(BootstrapFormMixin, forms.Form):
    expires = forms.DateField(validators=[validate_plausible_date], label="接受有效期至", widget=date_input())
    note = forms.CharField(label="接受理由", widget=forms.Textarea(attrs={"rows": 2}))


class RiskReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="复核情况", widget=forms.Textarea(attrs={"rows": 2}))
    next_review = forms.DateField(
        validators=[validate_plausible_date], label="下次复核日期", widget=date_input()
    )


class RiskCloseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="关闭原因", widget=forms.Textarea(attrs={"rows": 2}))


# --- governance records ---------------------------------------------------------------------------


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
        from assets.models import Asset

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
