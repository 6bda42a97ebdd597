"""Forms of the classified documents register."""

from django import forms
from django.contrib.auth import get_user_model

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import display_name

from .models import ClassifiedDocument, DocumentCustodian, SecrecyPeriodReview


def date_input():
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def active_people():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


class PersonChoiceField(forms.ModelChoiceField):
    def __init__(self, label, required=True, **kwargs):
        super().__init__(queryset=active_people(), label=label, required=required, **kwargs)
        self.widget.attrs["class"] = "form-select"

    def label_from_instance(self, obj):
        return display_name(obj)


class ScopedModelForm(BootstrapFormMixin, forms.ModelForm):
    person_fields = ()
    date_fields = ()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].queryset = creatable_departments(user, self._meta.model)
        for name in self.person_fields:
            field = self.fields[name]
            self.fields[name] = PersonChoiceField(field.label, required=field.required)
        for name in self.date_fields:
            self.fields[name].widget = date_input()


class ClassifiedDocumentForm(ScopedModelForm):
    person_fields = ("custodian",)
    date_fields = ("registered_on", "secret_until")

    class Meta:
        model = ClassifiedDocument
        fields = [
            "registered_on",
            "number",
            "title",
            "issuer",
            "document_number",
            "level",
            "secrecy_years",
            "secret_until",
            "copies",
            "custodian",
            "department",
            "restricted",
            "note",
        ]


class DocumentCustodianForm(ScopedModelForm):
    person_fields = ("person",)
    date_fields = ("filed_with_office_on", "ended_on")

    class Meta:
        model = DocumentCustodian
        fields = ["person", "department", "filed_with_office_on", "ended_on", "note"]


class SecrecyPeriodReviewForm(ScopedModelForm):
    person_fields = ("reviewed_by",)
    date_fields = ("reviewed_on",)

    class Meta:
        model = SecrecyPeriodReview
        fields = ["department", "year", "reviewed_on", "reviewed_by", "result", "declassified", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["declassified"].queryset = ClassifiedDocument.objects.visible_to(user, "change").exclude(
            status__in=ClassifiedDocument.CLOSED_STATUSES
        )
        self.fields["declassified"].widget.attrs["class"] = "form-select"


class CirculationForm(BootstrapFormMixin, forms.Form):
    recipient = PersonChoiceField("传阅/借阅人")
    lent_on = forms.DateField(label="借出日期", widget=date_input())
    due_on = forms.DateField(label="应还日期", widget=date_input())
    note = forms.CharField(label="备注", max_length=200, required=False)


class ReturnForm(BootstrapFormMixin, forms.Form):
    returned_on = forms.DateField(label="归还日期", widget=date_input())


class DisposalForm(BootstrapFormMixin, forms.Form):
    closed_on = forms.DateField(label="日期", widget=date_input())
    disposal_method = forms.CharField(label="方式", max_length=200)
    witness = PersonChoiceField("监销人/监交人")
