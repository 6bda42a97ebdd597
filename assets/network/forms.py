"""Forms of the IP plan; saved through the network services."""

from django import forms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.org.models import Department

from ..register.forms import AssetNumberField, _asset_by_number, department_choices
from .models import IPAssignment, Subnet


class SubnetForm(BootstrapFormMixin, forms.ModelForm):
    """Saved by ``services.save_subnet``; ``Subnet.clean`` normalises the CIDR and refuses host
    bits, a gateway outside and an overlap within the zone (each next to its field)."""

    class Meta:
        model = Subnet
        fields = ["cidr", "name", "zone", "department", "vlan", "gateway", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = department_choices(user, Subnet, self.instance.department_id)
        if not self.instance.pk:
            self.fields["department"].initial = Department.objects.of_user(user).first()


class IPAssignmentForm(BootstrapFormMixin, forms.ModelForm):
    """Saved by ``services.assign_ip`` / ``update_assignment`` (every notation of IP and MAC)."""

    ip = forms.CharField(label="IP 地址", max_length=60, help_text="IPv4 或 IPv6，须在该区域已登记的网段内。")
    mac = forms.CharField(
        label="MAC 地址",
        max_length=30,
        required=False,
        help_text="任意写法：AA-BB-CC-DD-EE-FF、aabb.ccdd.eeff、aabbccddeeff；新 MAC 将登记到该资产。",
    )
    asset_number = AssetNumberField(required=False, help_text="登记 MAC 时必填。")

    class Meta:
        model = IPAssignment
        fields = ["ip", "zone", "mac", "hostname", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.order_fields(["ip", "zone", "mac", "asset_number", "hostname", "note"])
        if self.instance.pk and self.instance.asset_id:
            self.fields["asset_number"].initial = self.instance.asset.number
        if not self.instance.pk and "asset" in self.initial:
            self.fields["asset_number"].initial = self.initial["asset"]

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("asset_number") or "").strip()
        cleaned["asset"] = None
        if number:
            current = self.instance.asset if self.instance.pk and self.instance.asset_id else None
            if current is not None and current.number == number:
                cleaned["asset"] = current
            else:
                errors = {}
                cleaned["asset"] = _asset_by_number(self.user, number, errors)
                for field, message in errors.items():
                    self.add_error(field, message)
        return cleaned

    def _post_clean(self):
        # The service validates and saves (assign_ip / update_assignment); the model's own clean
        # would run twice otherwise.
        pass


class MacAddressForm(BootstrapFormMixin, forms.Form):
    mac = forms.CharField(label="MAC 地址", max_length=30, help_text="任意写法，如 AA-BB-CC-DD-EE-FF。")
    asset_number = AssetNumberField()
    interface = forms.CharField(label="网卡", max_length=50, required=False, help_text="如 有线网卡、eth0")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("asset_number"):
            errors = {}
            cleaned["asset"] = _asset_by_number(self.user, cleaned["asset_number"], errors)
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned
