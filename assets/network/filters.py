"""Filters of the IP plan; IP and MAC searches in any notation."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q

from szmz_security.core.choices import NetworkZone
from szmz_security.org.models import Department

from .addresses import normalise_ip, normalise_mac
from .models import IPAssignment, MacAddress, Subnet


def _normalised(function, value):
    try:
        return function(value)
    except ValidationError:
        return None


def _visible_subnets(request):
    if request is None:
        return Subnet.objects.none()
    return Subnet.objects.visible_to(request.user, "view").order_by("zone", "cidr")


class SubnetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="网段、名称、备注")
    zone = django_filters.ChoiceFilter(label="网络区域", choices=NetworkZone.choices)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    version = django_filters.ChoiceFilter(
        label="IP 版本", choices=[("4", "IPv4"), ("6", "IPv6")], method="filter_version"
    )

    class Meta:
        model = Subnet
        fields = ["q", "zone", "department", "version"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(cidr__icontains=value.lower()) | Q(name__icontains=value) | Q(note__icontains=value)
        )

    def filter_version(self, queryset, name, value):
        return queryset.filter(cidr__contains=":") if value == "6" else queryset.exclude(cidr__contains=":")


class IPAssignmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="search", help_text="IP、MAC（任意写法）、主机名、资产编号"
    )
    zone = django_filters.ChoiceFilter(label="网络区域", choices=NetworkZone.choices)
    subnet = django_filters.ModelChoiceFilter(label="网段", queryset=_visible_subnets)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())

    class Meta:
        model = IPAssignment
        fields = ["q", "zone", "subnet", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(network_search(value, ip_field="ip"))


def network_search(value, *, ip_field=None, mac_field="mac", asset_field="asset__number", hostname=True):
    """A search box that understands addresses: a full IP or MAC in any notation is looked up
    exactly (indexed); anything else matches a part of the IP, the host name or the asset number."""
    value = (value or "").strip()
    ip = _normalised(normalise_ip, value) if ip_field else None
    mac = _normalised(normalise_mac, value)
    if ip:
        return Q(**{ip_field: ip})
    if mac:
        return Q(**{mac_field: mac})
    condition = Q(**{f"{asset_field}__icontains": value})
    if ip_field:
        condition |= Q(**{f"{ip_field}__startswith": value.lower()})
    if hostname:
        condition |= Q(hostname__icontains=value)
    digits = "".join(ch for ch in value.lower() if ch in "0123456789abcdef")
    if len(digits) >= 4 and len(digits) == len(value.replace("-", "").replace(":", "").replace(".", "")):
        # Part of a MAC typed with any separators: compare on the stored colon form.
        condition |= Q(
            **{f"{mac_field}__contains": ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))}
        )
    return condition


class MacAddressFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="MAC（任意写法）、资产编号、网卡")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())

    class Meta:
        model = MacAddress
        fields = ["q", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(network_search(value, hostname=False) | Q(interface__icontains=value.strip()))
