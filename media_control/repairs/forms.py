from django import forms
from django.core.exceptions import ValidationError

from szmz_security.core.forms import BootstrapFormMixin, datetime_input, local_now
from szmz_security.core.validators import validate_happened

from .models import RepairRequest, Vendor
from .services import validate_certificate


class VendorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Vendor
        fields = [
            "name",
            "designated",
            "designation_number",
            "designation_expires_on",
            "services",
            "contact",
            "phone",
            "address",
            "note",
        ]
        widgets = {
            "designation_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ItemForm(BootstrapFormMixin, forms.Form):
    item_number = forms.CharField(label="设备编号", max_length=50, help_text="介质编号或固定资产编号。")
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 3}))


class RepairRequestForm(ItemForm):
    vendor = forms.ModelChoiceField(label="维修单位", queryset=Vendor.objects.all(), empty_label="（请选择）")
    data_handling = forms.ChoiceField(
        label="数据处理",
        choices=[("", "（送修前登记）"), *RepairRequest.DataHandling.choices],
        required=False,
        help_text="涉密设备送修前须清除数据或留存存储部件。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "送修原因"
        self.fields["vendor"].help_text = "涉密设备只能交由资质有效的涉密定点单位。"


class DestructionRequestForm(ItemForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "销毁原因"


class SendForm(BootstrapFormMixin, forms.Form):
    data_handling = forms.ChoiceField(
        label="数据处理",
        choices=[("", "（非涉密设备可不填）"), *RepairRequest.DataHandling.choices],
        required=False,
    )


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="说明", max_length=300, required=False)


class CompleteDestructionForm(BootstrapFormMixin, forms.Form):
    vendor = forms.ModelChoiceField(label="销毁单位", queryset=Vendor.objects.all(), empty_label="（请选择）")
    witness = forms.CharField(label="监销人", max_length=60)
    destroyed_at = forms.DateTimeField(
        validators=[validate_happened], label="销毁时间", widget=datetime_input()
    )
    certificate = forms.FileField(label="销毁证明", help_text="PDF 或图片。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destroyed_at"].initial = local_now()

    def clean_certificate(self):
        certificate = self.cleaned_data["certificate"]
        try:
            validate_certificate(certificate)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["certificate"]) from None
        return certificate
