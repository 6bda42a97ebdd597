from django import forms

from szmz_security.core.forms import BootstrapFormMixin


class CodeForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label="动态口令",
        max_length=16,
        help_text="身份验证器 App 显示的 6 位数字；手机不在身边时可输入一个备用验证码。",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EnrolForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = "添加到身份验证器 App 后，输入它当前显示的 6 位数字。"


class UserSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False)
