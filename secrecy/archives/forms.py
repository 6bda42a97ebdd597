"""Forms of archive grading."""

from django import forms
from django.utils import timezone

from szmz_security.core.forms import BootstrapFormMixin

from ..personnel.forms import ScopedModelForm, date_input
from .models import ArchiveSeries, Grade


class ArchiveSeriesForm(ScopedModelForm):
    """Grading a new series; on an existing one the grade and its date change only by re-grading."""

    person_fields = ("graded_by",)
    date_fields = ("graded_on",)

    class Meta:
        model = ArchiveSeries
        fields = [
            "code",
            "name",
            "department",
            "grade",
            "basis",
            "superior_approval",
            "graded_on",
            "graded_by",
            "review_period_years",
            "note",
        ]
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("grade", "graded_on", "graded_by"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "通过“重新定级”调整。"


class RegradeForm(BootstrapFormMixin, forms.Form):
    grade = forms.ChoiceField(label="保密等级", choices=Grade.choices)
    basis = forms.CharField(label="定级依据", widget=forms.Textarea(attrs={"rows": 3}))
    superior_approval = forms.CharField(label="上级批准文号", max_length=100, required=False)
    reason = forms.CharField(label="复评/调整理由", widget=forms.Textarea(attrs={"rows": 2}))
    graded_on = forms.DateField(label="复评日期", widget=date_input(), initial=timezone.localdate)
