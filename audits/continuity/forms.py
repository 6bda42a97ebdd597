"""Forms of the emergency plans and drills."""

from django import forms
from django.utils import timezone

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_happened
from szmz_security.org.models import display_name

from ..common import active_people, date_input
from ..governance.forms import ScopedModelForm
from .models import EmergencyDrill, EmergencyPlan


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class EmergencyPlanForm(ScopedModelForm):
    date_fields = ("next_review_on",)

    class Meta:
        model = EmergencyPlan
        fields = ["title", "version", "scope", "summary", "supersedes", "next_review_on", "department"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    attachment_file = forms.FileField(
        label="预案文本（附件）",
        required=False,
        help_text="PDF 或 Word 文件，按内容检查；修改时不选则保留原附件",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        plans = EmergencyPlan.objects.visible_to(user).select_related("department").order_by("title", "-pk")
        if self.instance.pk:
            plans = plans.exclude(pk=self.instance.pk)
        self.fields["supersedes"].queryset = plans
        self.fields["supersedes"].help_text = "新版本批准后，被替代的预案自动废止（同名同部门的旧版本亦然）"


class EmergencyPlanApproveForm(BootstrapFormMixin, forms.Form):
    approved_on = forms.DateField(
        label="批准日期",
        required=False,
        validators=[validate_happened],
        widget=date_input(),
        initial=timezone.localdate,
        help_text="不填为今天",
    )
    note = forms.CharField(label="批准意见", required=False, max_length=300)


class EmergencyDrillForm(ScopedModelForm):
    date_fields = ("planned_on",)

    class Meta:
        model = EmergencyDrill
        fields = ["plan", "planned_on", "scenario", "participants", "participant_text", "department"]
        widgets = {"scenario": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["plan"].queryset = (
            EmergencyPlan.objects.visible_to(user)
            .exclude(status=EmergencyPlan.Status.RETIRED)
            .select_related("department")
            .order_by("title", "-pk")
        )
        self.fields["participants"] = PeopleChoiceField(
            label="参演人员", queryset=active_people(), required=False
        )
        self.fields["participants"].widget.attrs["class"] = "form-select"


class DrillHeldForm(BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(
        label="实施日期", validators=[validate_happened], widget=date_input(), initial=timezone.localdate
    )
    findings = forms.CharField(label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    improvements = forms.CharField(label="改进措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DrillCancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="取消原因", required=False, max_length=300)
