"""Tables of the reconciliation runs and of a run's items."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn, PersonColumn

from .models import Reconciliation, ReconciliationItem


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
