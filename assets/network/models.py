"""The IP plan and the MAC register (7 §1): subnets, MAC addresses and IP assignments."""

import ipaddress

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.choices import CLASSIFIED_ZONES, NetworkZone
from szmz_security.core.models import DetailUrlMixin, optional_link
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..register.models import Asset
from .addresses import normalise_ip, normalise_mac, parse_network


class Subnet(DetailUrlMixin, DepartmentScopedModel):
    name = models.CharField("名称", max_length=100)
    cidr = models.CharField("网段（CIDR）", max_length=50, help_text="如 10.20.1.0/24 或 2001:db8:1::/64")
    zone = models.CharField("网络区域", max_length=15, choices=NetworkZone.choices)
    vlan = models.PositiveSmallIntegerField(
        "VLAN", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4094)]
    )
    gateway = models.GenericIPAddressField("网关", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网段"
        verbose_name_plural = "网段"
        ordering = ["zone", "cidr"]
        constraints = [models.UniqueConstraint(fields=["zone", "cidr"], name="subnet_unique_per_zone")]

    def __str__(self):
        return f"{self.cidr} {self.name}"

    @property
    def network(self):
        return ipaddress.ip_network(self.cidr)

    def clean(self):
        super().clean()
        errors = {}
        try:
            network = parse_network(self.cidr)
            self.cidr = str(network)
        except ValidationError as error:
            errors["cidr"] = error.messages
            network = None
        if network is not None and self.gateway:
            gateway = ipaddress.ip_address(self.gateway)
            if gateway.version != network.version or gateway not in network:
                errors["gateway"] = f"网关 {self.gateway} 不在网段 {network} 内。"
        if network is not None and self.zone:
            overlapping = [
                other.cidr
                for other in Subnet.objects.filter(zone=self.zone).exclude(pk=self.pk).only("cidr")
                if other.network.version == network.version and other.network.overlaps(network)
            ]
            if overlapping:
                errors["cidr"] = f"与本区域已有网段重叠：{'、'.join(overlapping[:5])}。"
        if errors:
            raise ValidationError(errors)


SubnetUserObjectPermission, SubnetGroupObjectPermission = object_permission_models(Subnet)


class MacAddress(DepartmentScopedModel):
    """The MAC register: every network interface of a networked computer, one asset per MAC.
    The department follows the asset's."""

    mac = models.CharField("MAC 地址", max_length=17, unique=True)
    asset = models.ForeignKey(Asset, verbose_name="资产", on_delete=models.PROTECT, related_name="macs")
    interface = models.CharField("网卡", max_length=50, blank=True, help_text="如 有线网卡、eth0")
    registered_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "MAC 地址"
        verbose_name_plural = "MAC 地址"
        ordering = ["mac"]

    def __str__(self):
        return self.mac.upper().replace(":", "-")

    def get_absolute_url(self):
        return self.asset.get_absolute_url()

    def clean(self):
        super().clean()
        try:
            self.mac = normalise_mac(self.mac)
        except ValidationError as error:
            raise ValidationError({"mac": error.messages}) from None
        if self.asset_id:
            self.department_id = self.asset.department_id
        other = MacAddress.objects.filter(mac=self.mac).exclude(pk=self.pk).select_related("asset").first()
        if other is not None:
            raise ValidationError({"mac": f"MAC {self} 已登记在资产 {other.asset.number} 上。"})


MacAddressUserObjectPermission, MacAddressGroupObjectPermission = object_permission_models(MacAddress)


class IPAssignment(DetailUrlMixin, DepartmentScopedModel):
    """One address given out in one zone, to a device (MAC) of an asset. The department and the
    subnet follow from the address: the subnet of the zone that contains it."""

    ip = models.GenericIPAddressField("IP 地址")
    zone = models.CharField("网络区域", max_length=15, choices=NetworkZone.choices)
    subnet = models.ForeignKey(
        Subnet, verbose_name="网段", on_delete=models.PROTECT, related_name="assignments"
    )
    mac = models.CharField("MAC 地址", max_length=17, blank=True)
    asset = optional_link(Asset, "资产", related_name="ip_assignments")
    hostname = models.CharField("主机名", max_length=100, blank=True)
    assigned_at = models.DateTimeField("分配时间", default=timezone.now)
    note = models.CharField("备注", max_length=200, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "IP 分配"
        verbose_name_plural = "IP 分配"
        ordering = ["zone", "ip"]
        constraints = [models.UniqueConstraint(fields=["zone", "ip"], name="ip_unique_per_zone")]
        indexes = [models.Index(fields=["mac"], name="ipassignment_mac")]

    def __str__(self):
        return self.ip

    @property
    def mac_display(self):
        return self.mac.upper().replace(":", "-")

    def clean(self):
        """Normalises the address and MAC, finds the subnet, and refuses an address outside every
        subnet of its zone or taken in the zone. MAC ownership is checked by the service, which
        registers the MAC to the asset."""
        super().clean()
        errors = {}
        try:
            self.ip = normalise_ip(self.ip)
        except ValidationError as error:
            errors["ip"] = error.messages
        if self.mac:
            try:
                self.mac = normalise_mac(self.mac)
            except ValidationError as error:
                errors["mac"] = error.messages
        if "ip" not in errors and self.zone:
            address = ipaddress.ip_address(self.ip)
            subnet = next(
                (
                    s
                    for s in Subnet.objects.filter(zone=self.zone)
                    if s.network.version == address.version and address in s.network
                ),
                None,
            )
            if subnet is None:
                errors["ip"] = f"{self.ip} 不在{NetworkZone(self.zone).label}的任何已登记网段内。"
            else:
                self.subnet = subnet
                self.department_id = subnet.department_id
                taken = IPAssignment.objects.filter(zone=self.zone, ip=self.ip).exclude(pk=self.pk)
                if taken.exists():
                    errors["ip"] = f"{self.ip} 在{NetworkZone(self.zone).label}中已分配。"
        if self.asset_id and self.asset.is_classified and self.zone not in CLASSIFIED_ZONES:
            errors["zone"] = "涉密资产不能分配非涉密网络的地址。"
        if errors:
            raise ValidationError(errors)


IPAssignmentUserObjectPermission, IPAssignmentGroupObjectPermission = object_permission_models(IPAssignment)
