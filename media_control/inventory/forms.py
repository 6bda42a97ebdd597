from django import forms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.org.models import Department

from .models import InventoryLine


class LineForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(
        label="清点结果",
        choices=[(InventoryLine.Result.PRESENT, "在位"), (InventoryLine.Result.LOST, "遗失")],
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class SignForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="清点说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InventoryOpenForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.none())

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
