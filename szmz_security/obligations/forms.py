from django import forms
from django.utils import timezone

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_happened


class ObligationMeetForm(BootstrapFormMixin, forms.Form):
    met_at = forms.DateTimeField(
        validators=[validate_happened],
        label="完成时间",
        initial=timezone.now,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="实际报送或完成的时间；晚于截止时间即记为逾期完成。",
    )
    evidence = forms.CharField(
        label="完成证据",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如报送回执编号、接收人、记录位置。",
    )

    def clean_met_at(self):
        value = self.cleaned_data["met_at"]
        if value > timezone.now():
            raise forms.ValidationError("完成时间不能晚于当前时间。")
        return value


class ObligationWaiveForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="不再需要的原因", widget=forms.Textarea(attrs={"rows": 3}))
