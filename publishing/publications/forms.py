"""Publication forms: thin shells over ``services`` (the rules live there)."""

from django import forms
from django.core.exceptions import ValidationError

from szmz_security.core.forms import BootstrapFormMixin, MultipleFileField, datetime_input
from szmz_security.core.uploads import check_upload, describe

from ..accounts.models import PublicAccount
from . import services
from .models import Publication

MAX_ATTACHMENT_MB = 20
# What a publication's attachments may be (documents, images, archives), checked by content.
ATTACHMENT_TYPES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".txt",
    ".csv",
    ".zip",
}


class PublicationForm(BootstrapFormMixin, forms.ModelForm):
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text=f"可选，可多选；每个不超过 {MAX_ATTACHMENT_MB} MB；允许：{describe(ATTACHMENT_TYPES)}。",
    )

    class Meta:
        model = Publication
        fields = ["title", "department", "channel", "account", "is_major", "planned_at", "body"]
        widgets = {"planned_at": datetime_input(), "body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        departments = services.creatable_departments(user)
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = None
        if not self.instance.pk:
            self.fields["department"].initial = departments.filter(group__user=user).first()
        # Any operating account of the bureau (an account is a channel, not a secret); the
        # service checks it matches the channel.
        self.fields["account"].queryset = PublicAccount.objects.filter(status=PublicAccount.Status.ACTIVE)

    def clean(self):
        cleaned = super().clean()
        account, channel = cleaned.get("account"), cleaned.get("channel")
        if account is not None and channel and account.platform != channel:
            self.add_error(
                "account", f"公众账号“{account.name}”属于{account.get_platform_display()}，与发布渠道不一致。"
            )
        return cleaned

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        for uploaded in files:
            if uploaded.size > MAX_ATTACHMENT_MB * 1024 * 1024:
                self.add_error("attachments", f"{uploaded.name}：超过 {MAX_ATTACHMENT_MB} MB。")
                continue
            try:
                check_upload(uploaded, ATTACHMENT_TYPES)
            except ValidationError as error:
                self.add_error("attachments", f"{uploaded.name}：{error.messages[0]}")
        return files


class DecisionForm(BootstrapFormMixin, forms.Form):
    """One decision of the chain; the comment is required for 退回修改/否决/放行 (by the service)."""

    ACTIONS = [
        ("submit", "提交审批"),
        ("approve", "同意"),
        ("return", "退回修改"),
        ("reject", "否决"),
        ("override", "放行审核级敏感词"),
        ("publish", "发布"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    expected_state = forms.ChoiceField(
        choices=[("", "")] + list(Publication.State.choices), required=False, widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
