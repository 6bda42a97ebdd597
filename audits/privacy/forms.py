"""Forms of the personal-information inventory: thin shells over ``services``."""

from django import forms

from szmz_security.core.forms import ActiveUserChoiceField, BootstrapFormMixin
from szmz_security.org.access import creatable_departments

from ..common import active_people
from .models import Category, PersonalDataDestruction, PersonalDataInventory


class PersonalDataInventoryForm(BootstrapFormMixin, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label="个人信息类别", choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PersonalDataInventory
        fields = [
            "department",
            "system",
            "dataset",
            "subjects",
            "categories",
            "purpose",
            "legal_basis",
            "consent_method",
            "necessity",
            "retention_months",
            "storage_location",
            "access_scope",
            "security_measures",
            "note",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "necessity": forms.Textarea(attrs={"rows": 2}),
            "security_measures": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = creatable_departments(user, PersonalDataInventory)


class PersonalDataDestructionForm(BootstrapFormMixin, forms.ModelForm):
    performed_by = ActiveUserChoiceField(label="执行人", queryset=active_people())
    witness = ActiveUserChoiceField(label="监销人", queryset=active_people())

    class Meta:
        model = PersonalDataDestruction
        fields = [
            "inventory",
            "destroyed_on",
            "scope",
            "record_count",
            "method",
            "performed_by",
            "witness",
            "note",
        ]
        widgets = {"destroyed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inventory"].queryset = PersonalDataInventory.objects.visible_to(user, "change")


class InventoryReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="核查情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
