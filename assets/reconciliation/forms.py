"""The scan upload, an item's resolution and the sign-off; the rules are the services'."""

from django import forms
from django.utils import timezone

from incidents.categories import SUBCATEGORY_CHOICES
from szmz_security.core.choices import NetworkZone
from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.validators import validate_plausible_date
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from ..register.forms import AssetNumberField
from ..register.models import Asset
from .models import Reconciliation, ReconciliationItem
from .services import ALLOWED_RESOLUTIONS


class ReconciliationUploadForm(BootstrapFormMixin, forms.Form):
    zone = forms.ChoiceField(label="网络区域", choices=[("", "（请选择）"), *NetworkZone.choices])
    source = forms.ChoiceField(label="数据来源", choices=Reconciliation.Source.choices)
    month = forms.DateField(
        validators=[validate_plausible_date],
        label="核查月份",
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="默认为本月。",
    )
    scan = forms.FileField(
        label="扫描结果（CSV）",
        help_text=(
            "ARP 表、DHCP 租约或交换机 MAC 表导出的 CSV（逗号或制表符分隔，UTF-8），须含 IP 与 MAC 列，"
            "可含主机名与时间列；列名如 IP Address / Internet Address、MAC Address / Physical Address / "
            "hwaddr、Hostname / client-hostname、Time / Last Seen。任何一行有误则整份不导入。"
        ),
    )

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month and month > timezone.localdate():
            raise forms.ValidationError("核查月份不能晚于本月。")
        return month


class ResolveItemForm(BootstrapFormMixin, forms.Form):
    resolution = forms.ChoiceField(label="处理方式", widget=forms.RadioSelect)
    asset_number = AssetNumberField(
        required=False, help_text="登记：MAC 与 IP 登记到该资产；编号不存在时填写下方信息新建资产。"
    )
    new_name = forms.CharField(label="新资产名称", max_length=200, required=False)
    new_type = forms.ChoiceField(
        label="新资产类型", choices=[("", "（请选择）"), *Asset.Type.choices], required=False
    )
    new_department = forms.ModelChoiceField(
        label="新资产所属部门", queryset=Department.objects.none(), required=False
    )
    subcategory = forms.ChoiceField(
        label="事件子类",
        choices=[("", "（按差异类型自动选择）"), *SUBCATEGORY_CHOICES],
        required=False,
        help_text="转安全事件时使用；不选则未登记设备记为“其他事件”，IP 冲突记为“其他网络攻击事件”。",
    )
    note = forms.CharField(
        label="处理说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="“已说明”时必填。",
    )

    def __init__(self, *args, user, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.item = item
        self.fields["resolution"].choices = [
            (value, ReconciliationItem.Resolution(value).label) for value in ALLOWED_RESOLUTIONS[item.kind]
        ]
        self.fields["resolution"].widget.attrs["class"] = "form-check-input me-1"
        self.fields["new_department"].queryset = creatable_departments(user, Asset)
        if ReconciliationItem.Resolution.REGISTERED not in ALLOWED_RESOLUTIONS[item.kind]:
            for name in ("asset_number", "new_name", "new_type", "new_department"):
                del self.fields[name]
        if ReconciliationItem.Resolution.INCIDENT not in ALLOWED_RESOLUTIONS[item.kind]:
            del self.fields["subcategory"]

    def service_kwargs(self, run):
        data = self.cleaned_data
        resolution = data["resolution"]
        kwargs = {"note": data.get("note", "")}
        if resolution == ReconciliationItem.Resolution.REGISTERED:
            number = (data.get("asset_number") or "").strip()
            if not number:
                raise forms.ValidationError({"asset_number": "请填写要登记到的资产编号。"})
            asset = Asset.objects.visible_to(self.user, "change").filter(number=number).first()
            if asset is not None:
                kwargs["asset"] = asset
            elif Asset.objects.filter(number=number).exists():
                raise forms.ValidationError({"asset_number": f"资产“{number}”不在您可管理的范围内。"})
            elif not data.get("new_name"):
                raise forms.ValidationError(
                    {"asset_number": f"未找到资产“{number}”；如需新建，请填写新资产名称、类型与所属部门。"}
                )
            else:
                kwargs["new_asset"] = {
                    "number": number,
                    "name": data["new_name"],
                    "type": data.get("new_type") or "",
                    "department": data.get("new_department"),
                    "zone": run.zone,
                }
        elif resolution == ReconciliationItem.Resolution.INCIDENT:
            kwargs["subcategory"] = data.get("subcategory") or None
        return kwargs


class SignOffForm(BootstrapFormMixin, forms.Form):
    sign_off_note = forms.CharField(
        label="签核意见", required=False, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "可选"})
    )
