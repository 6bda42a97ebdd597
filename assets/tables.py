"""Asset tables: the register, the compliance list, machine rooms, and the IP plan — subnets, IP
assignments, MACs, reconciliations and their items. Each table names the related rows its view
must select, so a page costs the same few queries whatever its length."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.models import display_name

from .models import Asset, IPAssignment, MacAddress, MachineRoom, Reconciliation, ReconciliationItem, Subnet
from .services import compliance_reasons


class PersonColumn(tables.Column):
    def render(self, value):
        return display_name(value)

    def value(self, value):
        return display_name(value)


# --- the register and the machine room ------------------------------------------------------------


class AssetTable(tables.Table):
    """Rows need ``department`` and ``custodian__profile`` selected (AssetListView)."""

    select = tables.CheckBoxColumn(
        accessor="pk",
        exclude_from_export=True,
        attrs={
            "input": {"form": "labels-form", "name": "pk", "class": "form-check-input"},
            "th__input": {"class": "form-check-input", "data-select-all": "pk", "title": "全选本页"},
        },
    )
    number = tables.Column(linkify=True, verbose_name="固定资产编号")
    name = tables.Column(verbose_name="名称")
    type = tables.Column(verbose_name="类型")
    department = tables.Column(verbose_name="部门")
    custodian = PersonColumn(verbose_name="责任人")
    location = tables.Column(verbose_name="存放地点")
    zone = tables.Column(verbose_name="网络区域")
    secrecy = tables.Column(verbose_name="密级")
    status = tables.Column(verbose_name="状态")

    class Meta:
        model = Asset
        fields = (
            "select",
            "number",
            "name",
            "type",
            "department",
            "custodian",
            "location",
            "zone",
            "secrecy",
            "status",
            "critical_infrastructure",
            "antivirus_updated_on",
        )
        attrs = {"class": "table table-hover align-middle", "data-testid": "asset-table"}

    def render_secrecy(self, record, value):
        if record.is_classified:
            return format_html('<span class="badge text-bg-danger">{}</span>', value)
        return value


class ComplianceTable(tables.Table):
    """Rows are annotated ``breaks_<rule>`` (services.with_compliance)."""

    number = tables.Column(linkify=True, verbose_name="固定资产编号")
    name = tables.Column(verbose_name="名称")
    type = tables.Column(verbose_name="类型")
    department = tables.Column(verbose_name="部门")
    custodian = PersonColumn(verbose_name="责任人")
    zone = tables.Column(verbose_name="网络区域")
    secrecy = tables.Column(verbose_name="密级")
    reasons = tables.Column(verbose_name="不合规原因", empty_values=(), orderable=False)

    class Meta:
        model = Asset
        fields = ("number", "name", "type", "department", "custodian", "zone", "secrecy", "reasons")
        attrs = {"class": "table table-hover align-middle", "data-testid": "compliance-table"}

    def render_reasons(self, record):
        return format_html_join(
            " ",
            '<span class="badge text-bg-warning text-wrap">{}</span>',
            ((r,) for r in compliance_reasons(record)),
        )

    def value_reasons(self, record):
        return "；".join(compliance_reasons(record))


class MachineRoomTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="机房名称")
    responsible = PersonColumn(verbose_name="机房负责人")

    class Meta:
        model = MachineRoom
        fields = (
            "name",
            "location",
            "department",
            "responsible",
            "daily_backup_required",
            "fire_check_required",
            "active",
        )
        attrs = {"class": "table table-hover align-middle"}


# --- the IP plan ----------------------------------------------------------------------------------


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
        attrs = {"class": "table table-hover align-middle"}

    def render_utilisation(self, record):
        return utilisation_text(record, record.assignment_count)

    def value_utilisation(self, record):
        return utilisation_text(record, record.assignment_count)


class IPAssignmentTable(tables.Table):
    """Rows need ``subnet``, ``asset`` and ``department`` selected (IPAssignmentListView)."""

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
        attrs = {"class": "table table-hover align-middle"}

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
        attrs = {"class": "table table-hover align-middle"}

    def render_mac(self, record):
        return str(record)

    def value_mac(self, record):
        return str(record)


class ReconciliationTable(tables.Table):
    """Rows need ``uploaded_by__profile`` selected and item counts annotated."""

    title = tables.Column(verbose_name="核查", linkify=True, accessor="pk", orderable=False, empty_values=())
    zone = tables.Column(verbose_name="网络区域")
    source = tables.Column(verbose_name="数据来源")
    state = tables.Column(verbose_name="状态")
    total_rows = tables.Column(verbose_name="扫描记录数")
    item_count = tables.Column(verbose_name="差异", empty_values=())
    open_count = tables.Column(verbose_name="待处理", empty_values=())
    uploaded_by = PersonColumn(verbose_name="上传人")
    uploaded_at = DateTimeColumn(verbose_name="上传时间")
    signed_off_at = DateTimeColumn(verbose_name="签核时间")

    class Meta:
        model = Reconciliation
        fields = (
            "title",
            "zone",
            "source",
            "state",
            "total_rows",
            "item_count",
            "open_count",
            "uploaded_by",
            "uploaded_at",
            "signed_off_at",
        )
        attrs = {"class": "table table-hover align-middle"}

    def render_title(self, record):
        return str(record)

    def value_title(self, record):
        return str(record)


class ReconciliationItemTable(tables.Table):
    """Rows need ``asset``, ``incident`` and ``resolved_by__profile`` selected."""

    kind = tables.Column(verbose_name="差异类型")
    ip = tables.Column(verbose_name="IP 地址")
    mac = tables.Column(verbose_name="MAC 地址")
    hostname = tables.Column(verbose_name="主机名")
    seen_at = DateTimeColumn(verbose_name="发现时间")
    detail = tables.Column(verbose_name="说明", orderable=False)
    asset = tables.Column(verbose_name="相关资产", linkify=True)
    resolution = tables.Column(verbose_name="处理结果")
    resolved_by = PersonColumn(verbose_name="处理人")
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = ReconciliationItem
        fields = ("kind", "ip", "mac", "hostname", "seen_at", "detail", "asset", "resolution", "resolved_by")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "items"}
        row_attrs = {"data-kind": lambda record: record.kind}

    def __init__(self, *args, can_resolve=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_resolve = can_resolve

    def render_mac(self, record):
        return record.mac_display

    def value_mac(self, record):
        return record.mac_display

    def render_resolution(self, record):
        css = (
            "text-bg-warning"
            if record.resolution == ReconciliationItem.Resolution.OPEN
            else "text-bg-success"
        )
        label = record.get_resolution_display()
        if record.incident_id:
            return format_html(
                '<span class="badge {}">{}</span> <a href="{}">事件 #{}</a>',
                css,
                label,
                record.incident.get_absolute_url(),
                record.incident_id,
            )
        return format_html('<span class="badge {}">{}</span>', css, label)

    def value_resolution(self, record):
        return record.get_resolution_display()

    def render_actions(self, record):
        url = reverse("assets:reconciliationitem_resolve", args=[record.reconciliation_id, record.pk])
        if record.resolution == ReconciliationItem.Resolution.OPEN and self.can_resolve:
            return format_html('<a class="btn btn-primary btn-sm" href="{}">处理</a>', url)
        return format_html('<a class="btn btn-link btn-sm" href="{}">查看</a>', url)
