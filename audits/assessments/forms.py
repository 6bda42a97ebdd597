"""The external assessment's form (its improvement items use the review's FindingForm)."""

from django import forms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.org.access import creatable_departments

from ..common import date_input, review_department
from .models import ExternalAssessment


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
            department = review_department()
            if department is not None:
                self.fields["department"].initial = department.pk
