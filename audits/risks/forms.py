"""Forms of the risk register."""

from django import forms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_plausible_date
from szmz_security.org.access import creatable_departments

from ..common import PersonChoiceField, active_people, date_input
from ..projects.models import Project
from .models import Risk


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
