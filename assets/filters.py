"""Asset list filters: the register, the compliance list and machine rooms, and the IP plan —
subnets, IP assignments, MACs and reconciliations, whose search boxes understand an IP or MAC in
any notation (``network_search``)."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q

from szmz_security.core.choices import NetworkZone, Secrecy
from szmz_security.org.models import Department

from .models import Asset, IPAssignment, MacAddress, MachineRoom, Reconciliation, ReconciliationItem, Subnet
from .network import normalise_ip, normalise_mac
from .services import compliance_conditions, compliance_rules

# --- the register and the machine room ------------------------------------------------------------


class AssetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="search", help_text="编号、名称、序列号、型号、存放地点"
    )
    type = django_filters.ChoiceFilter(label="类型", choices=Asset.Type.choices)
    zone = django_filters.ChoiceFilter(label="网络区域", choices=NetworkZone.choices)
    secrecy = django_filters.ChoiceFilter(label="密级", choices=Secrecy.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=Asset.Status.choices)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    custodian = django_filters.CharFilter(label="责任人", method="filter_custodian")
    critical_infrastructure = django_filters.BooleanFilter(label="关键信息基础设施")

    class Meta:
        model = Asset
        fields = [
            "q",
            "type",
            "zone",
            "secrecy",
            "status",
            "department",
            "custodian",
            "critical_infrastructure",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(name__icontains=value)
            | Q(serial__icontains=value)
            | Q(model_number__icontains=value)
            | Q(location__icontains=value)
        )

    def filter_custodian(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(custodian__username=value) | Q(custodian__profile__full_name__icontains=value)
        )


class ComplianceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    rule = django_filters.ChoiceFilter(label="问题", choices=(), method="filter_rule")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    type = django_filters.ChoiceFilter(label="类型", choices=Asset.Type.choices)

    class Meta:
        model = Asset
        fields = ["q", "rule", "department", "type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["rule"].extra["choices"] = [(rule.code, rule.label) for rule in compliance_rules()]

    search = AssetFilterSet.search

    def filter_rule(self, queryset, name, value):
        return queryset.filter(compliance_conditions()[value])


class MachineRoomFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = MachineRoom
        fields = ["q", "department", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(location__icontains=value))


# --- the IP plan ----------------------------------------------------------------------------------


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


class ReconciliationFilterSet(django_filters.FilterSet):
    zone = django_filters.ChoiceFilter(label="网络区域", choices=NetworkZone.choices)
    state = django_filters.ChoiceFilter(label="状态", choices=Reconciliation.State.choices)
    month = django_filters.DateFilter(label="核查月份（该月任一天）", method="filter_month")

    class Meta:
        model = Reconciliation
        fields = ["zone", "state", "month"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(month=value.replace(day=1))


class ReconciliationItemFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="差异类型", choices=ReconciliationItem.Kind.choices)
    resolution = django_filters.ChoiceFilter(label="处理结果", choices=ReconciliationItem.Resolution.choices)
    q = django_filters.CharFilter(label="搜索", method="search", help_text="IP、MAC、主机名")

    class Meta:
        model = ReconciliationItem
        fields = ["kind", "resolution", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(network_search(value, ip_field="ip", asset_field="asset__number"))
