"""Forms of the classified-personnel records."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from szmz_security.core.forms import ActiveUserChoiceField, BootstrapFormMixin
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import display_name

from .models import ClassifiedPerson, SecrecyEducation


def active_people():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = display_name(obj)
        return name if name == obj.get_username() else f"{name}（{obj.get_username()}）"


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
            self.fields[name] = ActiveUserChoiceField(
                label=field.label,
                queryset=active_people(),
                required=field.required,
                help_text=field.help_text,
            )
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in self.date_fields:
            self.fields[name].widget = date_input()
            self.fields[name].widget.attrs["class"] = "form-control"


class ClassifiedPersonForm(ScopedModelForm):
    person_fields = ("person", "reviewer")
    date_fields = ("reviewed_on", "commitment_signed_on")
    # 脱密期 and 已脱密 come from the leaving and release procedures only.
    ENTRY_STATUSES = (ClassifiedPerson.Status.PENDING, ClassifiedPerson.Status.ON_POST)

    class Meta:
        model = ClassifiedPerson
        fields = [
            "person",
            "department",
            "post",
            "level",
            "reviewed_on",
            "review_result",
            "reviewer",
            "commitment_signed_on",
            "status",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.status not in self.ENTRY_STATUSES:
            self.fields["status"].disabled = True
        else:
            self.fields["status"].choices = [
                (value, label)
                for value, label in ClassifiedPerson.Status.choices
                if value in self.ENTRY_STATUSES
            ]


class LeavePostForm(BootstrapFormMixin, forms.Form):
    left_post_on = forms.DateField(label="离岗日期", widget=date_input(), initial=timezone.localdate)
    leaving_commitment_signed_on = forms.DateField(
        label="离岗保密承诺书签订日期", widget=date_input(), required=False
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class ReleaseForm(BootstrapFormMixin, forms.Form):
    released_on = forms.DateField(label="解除日期", widget=date_input(), initial=timezone.localdate)
    note = forms.CharField(label="说明", max_length=200, required=False)


class SecrecyEducationForm(ScopedModelForm):
    date_fields = ("held_on",)

    class Meta:
        model = SecrecyEducation
        fields = ["held_on", "topic", "organizer", "department", "attendees", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"] = PeopleField(
            label="参加人员",
            queryset=active_people(),
            required=False,
            widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
        )
