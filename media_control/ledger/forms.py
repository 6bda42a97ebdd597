from django import forms
from django.contrib.auth import get_user_model

from szmz_security.core.forms import ActiveUserChoiceField, BootstrapFormMixin
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from .models import Medium


def active_users():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


class MediumForm(BootstrapFormMixin, forms.ModelForm):
    custodian = ActiveUserChoiceField(label="保管人", queryset=None, required=False, empty_label="（无）")

    class Meta:
        model = Medium
        fields = [
            "number",
            "type",
            "secrecy_level",
            "protection_years",
            "zone",
            "custodian",
            "department",
            "brand",
            "model_number",
            "serial",
            "capacity",
            "registered_on",
            "note",
        ]
        widgets = {
            "registered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["custodian"].queryset = active_users()
        self.fields["custodian"].help_text = "涉密介质必须指定保管人；保管人可查看该介质。"
        allowed = creatable_departments(user, Medium)
        if self.instance.pk:
            allowed = allowed | Department.objects.filter(pk=self.instance.department_id)
            # The number of a registered medium is on its label: it does not change.
            self.fields["number"].disabled = True
        self.fields["department"].queryset = allowed.distinct()
        if not self.instance.pk:
            self.fields["department"].initial = Department.objects.of_user(user).first()
            self.fields["custodian"].initial = user.pk
