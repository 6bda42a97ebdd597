"""Removable-media forms: thin shells over ``services`` (a service's ValidationError is shown next
to the field it names with ``add_service_errors``)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from szmz_security.core.forms import (
    ActiveUserChoiceField,
    BootstrapFormMixin,
    add_service_errors,
    datetime_input,
    local_now,
)
from szmz_security.core.validators import validate_happened
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from .models import Checkout, InventoryLine, Medium, RepairRequest, Vendor

__all__ = ["add_service_errors"]


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


class CheckoutForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Checkout
        fields = ["purpose", "zone", "expected_return_at"]
        widgets = {"expected_return_at": datetime_input()}
        help_texts = {
            "zone": "只能是介质登记的使用网络（第六章第4条）。",
            "expected_return_at": "到期未归还将提醒您，逾期升级至安全员。",
        }

    def __init__(self, *args, medium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].initial = medium.zone
        self.fields["expected_return_at"].initial = (
            timezone.localtime() + timezone.timedelta(days=3)
        ).strftime("%Y-%m-%dT%H:%M")


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label="审批意见", max_length=300, required=False)


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="驳回理由", max_length=300)


class EmptyForm(forms.Form):
    pass


class ReturnForm(BootstrapFormMixin, forms.Form):
    condition = forms.ChoiceField(label="归还状况", choices=Checkout.Condition.choices)
    note = forms.CharField(label="说明", max_length=300, required=False, help_text="损坏或缺失时必填。")


class LostForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(
        label="遗失经过",
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "何时何地发现遗失，介质中可能存有哪些信息，已采取的措施"}
        ),
    )


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
        from . import services

        certificate = self.cleaned_data["certificate"]
        try:
            services.validate_certificate(certificate)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["certificate"]) from None
        return certificate
