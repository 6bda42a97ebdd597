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
    rectification = forms.CharField(
        label="整改措施",
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text="自查结果为“不符合”时须填写，登记为整改问题并提醒责任人。",
    )

    def __init__(self, *args, self_inspection=False, **kwargs):
        super().__init__(*args, **kwargs)
        if self_inspection:
            # 自查: 符合 / 不符合 / 不适用 (no 部分符合).
            self.fields["result"].choices = [
                choice for choice in ReviewItem.Result.choices if choice[0] != ReviewItem.Result.PARTIAL
            ]
        else:
            del self.fields["rectification"]
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


class AcceptEvidenceForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=2000)


class OpenSelfInspectionForm(BootstrapFormMixin, forms.Form):
    include_bureau = forms.BooleanField(
        label="同时自查本局制度的全部条款",
        required=False,
        help_text="除《信息安全管理制度检查内容》外，逐条自查市民政局自己的各项制度。",
    )
