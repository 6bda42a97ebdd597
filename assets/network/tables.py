"""Tables of subnets, IP assignments and the MAC register."""

import django_tables2 as tables

from szmz_security.core.tables import DateTimeColumn

from .models import IPAssignment, MacAddress, Subnet


def utilisation_text(subnet, used):
    """``used / size (percent)`` for IPv4 (usable hosts), the count alone for IPv6."""
    network = subnet.network
    if network.version == 6:
        return f"{used}"
    size = network.num_addresses - 2 if network.prefixlen <= 30 else network.num_addresses
    percent = 100 * used / size if size else 0
    return f"{used} / {size}（{percent:.0f}%）"


class SubnetTable(tables.Table):
    """Rows need ``department`` selected and ``assignment_count`` annotated (SubnetListView)."""

    cidr = tables.Column(linkify=True, verbose_name="网段（CIDR）")
    name = tables.Column(verbose_name="名称")
    zone = tables.Column(verbose_name="网络区域")
    department = tables.Column(verbose_name="所属部门")
    vlan = tables.Column(verbose_name="VLAN")
    gateway = tables.Column(verbose_name="网关")
    utilisation = tables.Column(
        verbose_name="已分配 / 可用",
        empty_values=(),
        order_by=("assignment_count",),
        accessor="assignment_count",
    )

    class Meta:
        model = Subnet
        fields = ("cidr", "name", "zone", "department", "vlan", "gateway", "utilisation")

    def render_utilisation(self, record):
        return utilisation_text(record, record.assignment_count)

    def value_utilisation(self, record):
        return utilisation_text(record, record.assignment_count)


class IPAssignmentTable(tables.Table):
    """Rows need ``subnet``, ``asset`` and ``department`` selected (the declaration's ``related``)."""

    ip = tables.Column(linkify=True, verbose_name="IP 地址")
    zone = tables.Column(verbose_name="网络区域")
    subnet = tables.Column(verbose_name="网段", linkify=True, accessor="subnet__cidr")
    mac = tables.Column(verbose_name="MAC 地址")
    asset = tables.Column(verbose_name="资产", linkify=True)
    hostname = tables.Column(verbose_name="主机名")
    department = tables.Column(verbose_name="所属部门")
    assigned_at = DateTimeColumn(verbose_name="分配时间")

    class Meta:
        model = IPAssignment
        fields = ("ip", "zone", "subnet", "mac", "asset", "hostname", "department", "assigned_at")

    def render_subnet(self, record):
        return record.subnet.cidr

    def render_mac(self, record):
        return record.mac_display

    def value_mac(self, record):
        return record.mac_display


class MacAddressTable(tables.Table):
    """Rows need ``asset`` and ``department`` selected (MacAddressListView)."""

    mac = tables.Column(verbose_name="MAC 地址", linkify=lambda record: record.asset.get_absolute_url())
    asset = tables.Column(verbose_name="资产", linkify=True)
    interface = tables.Column(verbose_name="网卡")
    department = tables.Column(verbose_name="所属部门")
    registered_at = DateTimeColumn(verbose_name="登记时间")
    actions = tables.TemplateColumn(
        template_code=(
            '{% if record.pk in deletable %}<a class="btn btn-outline-danger btn-sm" '
            "href=\"{% url 'assets:macaddress_delete' record.pk %}\">删除</a>{% endif %}"
        ),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = MacAddress
        fields = ("mac", "asset", "interface", "department", "registered_at", "actions")

    def render_mac(self, record):
        return str(record)

    def value_mac(self, record):
        return str(record)
