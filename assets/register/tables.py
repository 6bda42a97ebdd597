"""Tables of the register and of the compliance list."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from szmz_security.core.tables import PersonColumn

from .models import Asset
from .services import compliance_reasons


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
