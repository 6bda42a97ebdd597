"""Incident forms: the report a clerk files, and the handlers' actions on the detail page.

Every form is a thin shell over ``services``: the rules live there, and a ``ValidationError`` the
service raises is put next to the field it names (``add_service_errors``), so the screen, the API
and the tests share one set of rules.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from szmz_security.core.forms import (
    ActiveUserChoiceField,
    BootstrapFormMixin,
    MultipleFileField,
    add_service_errors,
    datetime_input,
    local_now,
)
from szmz_security.core.validators import validate_plausible_date
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from . import services
from .categories import SUBCATEGORIES, Category, Grade
from .models import Incident, RegulatorReport


def validate_uploads(form, field_name, files):
    """Size and type limits of the evidence store, as errors next to the file input."""
    for uploaded in files:
        try:
            services.validate_attachment(uploaded)
        except ValidationError as error:
            for message in error.message_dict.get("file", error.messages):
                form.add_error(field_name, f"{uploaded.name}：{message}")


def attachment_help():
    types = "、".join(sorted(settings.INCIDENT_ATTACHMENT_TYPES))
    return f"可选，可一次选择多个文件。每个不超过 {settings.INCIDENT_ATTACHMENT_MAX_MB} MB；允许：{types}。"


# --- filing and editing ---------------------------------------------------------------------------


class IncidentForm(BootstrapFormMixin, forms.ModelForm):
    """What a clerk fills in when something has happened. Grouped in ``SECTIONS`` for the page."""

    evidence = MultipleFileField(label="证据文件", required=False)

    SECTIONS = (
        ("基本情况", "bi-info-circle", ("title", "discovered_at", "occurred_at", "department", "place")),
        ("事件类型", "bi-tags", ("category", "subcategory", "suggested_grade", "affected_assets")),
        (
            "特殊情形",
            "bi-exclamation-triangle",
            (
                "secret_leak",
                "personal_info_involved",
                "personal_info_count",
                "crime_suspected",
                "affects_critical_infrastructure",
            ),
        ),
        ("断网处置", "bi-plug", ("network_disconnected", "disconnected_at", "disconnected_by")),
        ("事件经过", "bi-card-text", ("description", "evidence")),
    )

    class Meta:
        model = Incident
        fields = [
            "title",
            "discovered_at",
            "occurred_at",
            "department",
            "place",
            "affected_assets",
            "category",
            "subcategory",
            "suggested_grade",
            "secret_leak",
            "personal_info_involved",
            "personal_info_count",
            "crime_suspected",
            "affects_critical_infrastructure",
            "network_disconnected",
            "disconnected_at",
            "disconnected_by",
            "description",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": "一句话说明发生了什么，如“办公电脑弹出勒索提示”"}),
            "discovered_at": datetime_input(),
            "occurred_at": datetime_input(),
            "disconnected_at": datetime_input(),
            "place": forms.TextInput(attrs={"placeholder": "如：社会救助处 3楼 302 室"}),
            "affected_assets": forms.Textarea(
                attrs={"rows": 2, "placeholder": "如：SZMZ-PC-0302（办公电脑）"}
            ),
            "description": forms.Textarea(
                attrs={
                    "rows": 5,
                    "placeholder": "看到了什么、何时发现、已经做了什么（如拔掉网线、保留现场）。",
                }
            ),
            "personal_info_count": forms.NumberInput(attrs={"min": 0, "placeholder": "估计人数"}),
        }
        help_texts = {
            "discovered_at": "报告时限从发现时间起算，请如实填写。",
            "occurred_at": "不清楚可不填。",
            "department": "默认为您所在的部门。",
            "category": "不确定时选“其他事件”，安全员受理后会更正。",
            "subcategory": "可选；须属于所选事件类型。",
            "suggested_grade": "可选；安全员会正式定级。较大及以上事件须在4小时内报告省网信办。",
            "secret_leak": "涉及泄密的事件仅报告人、保密办和安全员可见，并须在24小时内报告保密机关。",
            "personal_info_involved": "须通知个人信息保护监管部门及受影响个人。",
            "personal_info_count": "100万人及以上至少为较大事件，1000万人重大，1亿人特别重大。",
            "crime_suspected": "须在24小时内报告公安机关。",
            "affects_critical_infrastructure": "较大及以上事件须在1小时内报告。",
            "network_disconnected": "制度第三章第2条：发现问题应立即断开网络并保留现场。",
            "disconnected_by": "执行断网的人员姓名。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._original = {name: self._value(name) for name in self._meta.fields}
        allowed = creatable_departments(user, Incident)
        if self.instance.pk:
            allowed = allowed | Department.objects.filter(pk=self.instance.department_id)
        self.fields["department"].queryset = allowed.distinct()
        self.fields["subcategory"].choices = [("", "（请选择）"), *self.fields["subcategory"].choices[1:]]
        self.fields["suggested_grade"].choices = [("", "（不确定）"), *Grade.choices]
        self.fields["evidence"].help_text = attachment_help()
        # Always sent by the page's select (preset to 其他事件); a client leaving it out means “其他”.
        self.fields["category"].required = False
        if not self.instance.pk:
            self.fields["department"].initial = Department.objects.of_user(user).first()
            self.fields["discovered_at"].initial = local_now()
        elif not services.can_handle(user, self.instance):
            # What the incident owes is the handlers' call (services.update_incident refuses it):
            # others see these fields but cannot change them.
            for name in services.RULE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "仅安全员可修改。"

    def sections(self):
        """(title, icon, bound fields) for the template."""
        return [(title, icon, [self[name] for name in names]) for title, icon, names in self.SECTIONS]

    def category_map(self):
        """Sub-type → type, for the page script that keeps the two selects consistent."""
        return {code: category.value for category, choices in SUBCATEGORIES.items() for code, _ in choices}

    def clean_discovered_at(self):
        value = self.cleaned_data["discovered_at"]
        recorded = self.instance.discovered_at if self.instance.pk else None
        # The input shows minutes only: an unchanged minute keeps the recorded seconds, so an edit of
        # another field neither alters the time nor lists it as a change in the history.
        if recorded is not None and value == recorded.replace(second=0, microsecond=0):
            return recorded
        if value > timezone.now():
            raise forms.ValidationError("发现时间不能晚于当前时间。")
        return value

    def clean_category(self):
        return self.cleaned_data["category"] or Category.OTHER

    def clean_occurred_at(self):
        return self._keep_seconds("occurred_at")

    def clean_disconnected_at(self):
        return self._keep_seconds("disconnected_at")

    def _keep_seconds(self, name):
        value = self.cleaned_data[name]
        recorded = self._original.get(name) if self.instance.pk else None
        if recorded is not None and value is not None and value == recorded.replace(second=0, microsecond=0):
            return recorded
        return value

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        validate_uploads(self, "evidence", files)
        return files

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if field.disabled and name in self._original:
                # Exactly the stored value (a disabled datetime would lose its microseconds).
                cleaned[name] = self._original[name]
        if cleaned.get("personal_info_count") and "personal_info_involved" in self.fields:
            # Giving a count says personal information is involved; the clerk need not tick both.
            cleaned["personal_info_involved"] = True
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The service's own rules too, so every problem shows at once, each next to its field (the
        # service checks again when saving: what it refuses then is mapped the same way).
        try:
            services.validate_incident(self.instance)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    add_service_errors(self, ValidationError({field: messages}))

    def changed_model_fields(self):
        """The model fields whose value really changed (not just re-formatted by the widget)."""
        return [
            name
            for name in self._meta.fields
            if name in self.changed_data and self._value(name) != self._original[name]
        ]

    def _value(self, name):
        return self.instance._meta.get_field(name).value_from_object(self.instance)

    def save(self, commit=True):
        if not self.instance.pk:
            self.instance.reported_by = self.user
        return super().save(commit)


class ReportContentForm(BootstrapFormMixin, forms.ModelForm):
    """The content items of a report to a regulator (国家网络安全事件报告管理办法, 2025)."""

    class Meta:
        model = Incident
        fields = [
            "affected_system",
            "impact",
            "measures_taken",
            "likely_development",
            "cause",
            "tracing_leads",
            "next_steps",
            "scene_preservation",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields if name != "affected_system"}


# --- handlers' actions ----------------------------------------------------------------------------


class GradeForm(BootstrapFormMixin, forms.Form):
    grade = forms.TypedChoiceField(label="事件等级", choices=Grade.choices, coerce=int)
    reason = forms.CharField(
        label="定级依据",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "可选"}),
    )


class TransitionForm(BootstrapFormMixin, forms.Form):
    to_state = forms.ChoiceField(label="变更为", choices=Incident.State.choices, widget=forms.HiddenInput)
    # Which of these a state needs is the service's rule (误报: a reason; 结案: root cause and lessons).
    reason = forms.CharField(
        label="误报原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "必填：为何判定为误报"}),
    )
    root_cause = forms.CharField(
        label="根本原因", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "必填"})
    )
    lessons_learned = forms.CharField(
        label="经验教训", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "必填"})
    )


class CorrectiveActionForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label="整改措施", max_length=300)
    owner = ActiveUserChoiceField(label="责任人", queryset=None, empty_label="（请选择）")
    due_at = forms.DateTimeField(
        validators=[validate_plausible_date], label="完成期限", widget=datetime_input()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")
        )


class NoteForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label="处置记录",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：已联系厂商，预计明日到场"}),
    )


class AttachmentForm(BootstrapFormMixin, forms.Form):
    files = MultipleFileField(label="证据文件")
    description = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = attachment_help()

    def clean_files(self):
        files = self.cleaned_data["files"]
        validate_uploads(self, "files", files)
        return files


class RegulatorReportForm(BootstrapFormMixin, forms.ModelForm):
    document = forms.FileField(
        label="报告文件",
        required=False,
        help_text="可选：上传实际报送的文件（如盖章扫描件）；不上传则保存系统生成的报告 PDF。",
    )

    class Meta:
        model = RegulatorReport
        fields = ["sent_at", "channel", "receiving_body", "receiver", "reference_number", "note"]
        widgets = {"sent_at": datetime_input(), "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "sent_at": "实际报送的时间；晚于截止时间即记为逾期完成。",
            "reference_number": "报送平台回执号、公文文号等。",
        }

    def __init__(self, *args, obligation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].initial = local_now()
        self.fields["receiving_body"].initial = obligation.authority
        self.fields["channel"].choices = [("", "（请选择）"), *RegulatorReport.Channel.choices]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            validate_uploads(self, "document", [document])
        return document
