import datetime

from django import forms

from szmz_security.core.forms import BootstrapFormMixin

from .models import Framework
from .reports import validate_period


class AttestationForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="确认说明",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="检查了什么、依据哪些材料（文件编号、存放位置、检查范围）。",
        error_messages={"required": "请说明检查了什么、依据哪些材料。"},
    )
    valid_until = forms.TypedChoiceField(
        label="覆盖期间",
        coerce=datetime.date.fromisoformat,
        help_text="人工确认只覆盖确认当期（按条款的检查频次），下一期须重新确认。",
        error_messages={"required": "请选择覆盖期间。", "invalid_choice": "人工确认只能覆盖本期。"},
    )

    def __init__(self, *args, period, **kwargs):
        """``period``: (label, last day) of the one period an attestation made now covers."""
        super().__init__(*args, **kwargs)
        label, last_day = period
        self.fields["valid_until"].choices = [
            (last_day.isoformat(), f"{label}（有效期至 {last_day:%Y-%m-%d}）")
        ]
        self.fields["valid_until"].initial = last_day.isoformat()


class ApplicabilityForm(BootstrapFormMixin, forms.Form):
    applicable = forms.TypedChoiceField(
        label="判定",
        choices=[("0", "不适用"), ("1", "适用")],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(
        label="原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请说明原因。"},
    )


class InspectionReportForm(BootstrapFormMixin, forms.Form):
    period_start = forms.DateField(
        label="检查期间起",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写开始日期。", "invalid": "请输入有效日期，如 2026-01-01。"},
    )
    period_end = forms.DateField(
        label="检查期间止",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="不能晚于今天；期间最长三年。",
        error_messages={"required": "请填写结束日期。", "invalid": "请输入有效日期，如 2026-12-31。"},
    )
    framework = forms.ModelChoiceField(
        label="框架",
        queryset=None,
        required=False,
        empty_label="全部启用的框架",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["framework"].queryset = Framework.objects.filter(active=True)

    def clean(self):

        cleaned = super().clean()
        for name, message in validate_period(cleaned.get("period_start"), cleaned.get("period_end")).items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned
