from django import forms
from django.utils import timezone

from szmz_security.core.forms import BootstrapFormMixin, datetime_input

from .models import Checkout


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
