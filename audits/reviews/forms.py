"""Forms of the quarterly review: thin shells over ``services`` (a service's ValidationError is
shown next to the field it names)."""

from django import forms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_plausible_date
from szmz_security.org.models import Department

from ..common import PersonChoiceField, active_people, date_input, end_of_day
from .models import Finding, ReviewItem


class ReviewItemForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(label="评估结果", choices=ReviewItem.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="证据说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="部分符合、不符合须说明依据（检查了什么、发现什么）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons, not a text box: BootstrapFormMixin's form-control does not suit them.
        self.fields["result"].widget.attrs["class"] = "form-check-input"


class FindingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="发现的问题", max_length=300)
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label="严重程度", choices=Finding.Severity.choices, initial="medium")
    department = forms.ModelChoiceField(label="责任部门", queryset=Department.objects.filter(is_active=True))
    owner = PersonChoiceField(label="责任人", queryset=active_people())
    due_at = forms.DateField(validators=[validate_plausible_date], label="完成期限", widget=date_input())
    item = forms.ModelChoiceField(label="对应评估项", queryset=ReviewItem.objects.none(), required=False)

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["item"].queryset = review.items.select_related("clause__chapter")
        else:
            del self.fields["item"]

    def clean_due_at(self):
        return end_of_day(self.cleaned_data["due_at"])


class CirculateForm(BootstrapFormMixin, forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label="通报部门",
        queryset=Department.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )


class SignOffForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(label="评估结论", required=False, widget=forms.Textarea(attrs={"rows": 3}))
