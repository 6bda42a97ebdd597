"""Forms of public accounts: thin shells over ``services``."""

from django import forms
from django.contrib.auth import get_user_model

from szmz_security.core.forms import ActiveUserChoiceField, BootstrapFormMixin
from szmz_security.org.access import creatable_departments

from .models import PublicAccount


def active_users():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


class PublicAccountForm(BootstrapFormMixin, forms.ModelForm):
    content_officer = ActiveUserChoiceField(label="内容安全负责人", queryset=active_users())
    deputy_officer = ActiveUserChoiceField(label="内容安全副责任人", queryset=active_users(), required=False)

    class Meta:
        model = PublicAccount
        fields = [
            "department",
            "platform",
            "name",
            "account_id",
            "registered_entity",
            "registered_on",
            "certification_no",
            "content_officer",
            "deputy_officer",
            "operators",
            "status",
            "note",
        ]
        widgets = {"registered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = creatable_departments(user, PublicAccount)
        self.fields["operators"].queryset = active_users()

    def clean(self):
        cleaned = super().clean()
        officer, deputy = cleaned.get("content_officer"), cleaned.get("deputy_officer")
        if officer and deputy and officer == deputy:
            self.add_error("deputy_officer", "副责任人不能与内容安全负责人为同一人。")
        return cleaned


class CompleteReviewForm(BootstrapFormMixin, forms.Form):
    still_needed = forms.BooleanField(label="账号仍需运营", required=False, initial=True)
    officer_confirmed = forms.BooleanField(label="内容安全负责人在岗、职责明确", required=False)
    registration_current = forms.BooleanField(label="实名注册与认证信息有效", required=False)
    conclusion = forms.CharField(label="核查结论", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
