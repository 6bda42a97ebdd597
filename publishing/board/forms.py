"""The public message board's form and the monthly report's."""

from django import forms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_plausible_date

from .models import BoardMessage


class BoardMessageForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="您的称呼", max_length=50)
    contact = forms.CharField(
        label="联系方式", max_length=100, required=False, help_text="选填，不公开显示。"
    )
    text = forms.CharField(
        label="留言内容",
        max_length=BoardMessage._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(BootstrapFormMixin, forms.Form):
    month = forms.DateField(
        validators=[validate_plausible_date],
        label="月份",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
