"""Forms of the project screens and their gates."""

from django import forms
from django.utils import timezone

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.org.access import creatable_departments

from ..common import PersonChoiceField, active_people, date_input
from .models import GoLiveAssessment, Project, RiskEstimate


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
