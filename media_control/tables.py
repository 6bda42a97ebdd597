import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.access import REDACTED, content_readable
from szmz_security.org.models import display_name

from .models import Checkout, DestructionRequest, Inventory, Medium, RepairRequest, Vendor

LEVEL_COLOURS = {
    "public": "light text-dark border",
    "internal": "secondary",
    "secret": "warning",
    "confidential": "orange",
    "top_secret": "danger",
}
STATUS_COLOURS = {
    "in_stock": "success",
    "checked_out": "primary",
    "repair": "info",
    "lost": "danger",
    "destroyed": "dark",
}


def marking_badge(medium):
    colour = LEVEL_COLOURS.get(medium.secrecy_level, "secondary")
    if colour == "orange":
        return format_html('<span class="badge text-bg-orange">{}</span>', medium.marking)
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, medium.marking)


def status_badge(medium):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_COLOURS.get(medium.status, "secondary"),
        medium.get_status_display(),
    )


class MediumTable(tables.Table):
    """Rows need ``department`` and ``custodian__profile`` selected and ``active_checkouts``
    prefetched (``MediumListView.get_queryset``): no query per row."""

    number = tables.Column(linkify=True, verbose_name="编号")
    marking = tables.Column(verbose_name="密级标志", empty_values=(), order_by=("secrecy_level",))
    type = tables.Column(verbose_name="类型")
    brand = tables.Column(verbose_name="品牌型号", empty_values=(), order_by=("brand", "model_number"))
    capacity = tables.Column(verbose_name="容量")
    zone = tables.Column(verbose_name="使用网络")
    custodian = tables.Column(verbose_name="保管人", empty_values=())
    department = tables.Column(verbose_name="部门")
    status = tables.Column(verbose_name="状态")
    due = tables.Column(verbose_name="归还期限", empty_values=(), orderable=False)

    class Meta:
        model = Medium
        fields = (
            "number",
            "marking",
            "type",
            "brand",
            "capacity",
            "zone",
            "custodian",
            "department",
            "status",
            "due",
        )
        attrs = {"class": "table table-hover align-middle"}

    def render_number(self, record, value):
        if record.restricted:
            return format_html(
                '{} <i class="bi bi-lock-fill text-danger" title="涉密介质，知悉范围受限"></i>', value
            )
        return value

    def value_number(self, value):
        return value

    def render_marking(self, record):
        return marking_badge(record)

    def value_marking(self, record):
        return record.marking

    def render_brand(self, record):
        return self.value_brand(record) or "—"

    def value_brand(self, record):
        if not content_readable(record):  # need-to-know: a restricted medium's content
            return REDACTED
        return " ".join(part for part in (record.brand, record.model_number) if part)

    def render_type(self, record):
        return record.get_type_display()

    def value_type(self, record):
        return record.get_type_display()

    def render_zone(self, record):
        return record.get_zone_display()

    def value_zone(self, record):
        return record.get_zone_display()

    def render_custodian(self, record, value):
        return self.value_custodian(record, value) or "—"

    def value_custodian(self, record, value):
        if not content_readable(record):
            return REDACTED
        return display_name(value) if value else ""

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return record.get_status_display()

    def _active(self, record):
        active = getattr(record, "active_checkouts", None)
        return active[0] if active else None

    def render_due(self, record):
        checkout = self._active(record)
        if checkout is None:
            return "—"
        text = f"{_local(checkout.expected_return_at):%Y-%m-%d %H:%M}"
        if checkout.is_overdue():
            return format_html('<span class="badge text-bg-danger">已逾期</span> {}', text)
        return text

    def value_due(self, record):
        checkout = self._active(record)
        return f"{_local(checkout.expected_return_at):%Y-%m-%d %H:%M}" if checkout else ""


def _local(value):
    from django.utils import timezone

    return timezone.localtime(value)


class CheckoutTable(tables.Table):
    medium = tables.Column(verbose_name="介质", linkify=lambda record: record.get_absolute_url())
    marking = tables.Column(verbose_name="密级标志", empty_values=(), orderable=False)
    requester = tables.Column(verbose_name="申请人")
    purpose = tables.Column(verbose_name="用途")
    expected_return_at = DateTimeColumn(verbose_name="预计归还", format="Y-m-d H:i")
    state = tables.Column(verbose_name="状态")
    created_at = DateTimeColumn(verbose_name="申请时间", format="Y-m-d H:i")

    class Meta:
        model = Checkout
        fields = ("medium", "marking", "requester", "purpose", "expected_return_at", "state", "created_at")
        attrs = {"class": "table table-hover align-middle"}

    def render_medium(self, record):
        return record.medium.number

    def render_marking(self, record):
        return marking_badge(record.medium)

    def render_requester(self, value):
        return display_name(value)

    def render_state(self, record):
        return record.get_state_display()


class InventoryTable(tables.Table):
    name = tables.Column(
        verbose_name="清点",
        empty_values=(),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("year",),
    )
    department = tables.Column(verbose_name="部门")
    state = tables.Column(verbose_name="状态")
    due = tables.Column(verbose_name="截止", accessor="obligation__due_at", orderable=False)
    signed_by = tables.Column(verbose_name="签署人")
    signed_at = DateTimeColumn(verbose_name="签署时间", format="Y-m-d H:i")

    class Meta:
        model = Inventory
        fields = ("name", "department", "state", "due", "signed_by", "signed_at")
        attrs = {"class": "table table-hover align-middle"}

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

    def render_due(self, value):
        return f"{_local(value):%Y-%m-%d}"

    def render_state(self, record):
        colour = "success" if record.is_signed else "warning"
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, record.get_state_display())

    def value_state(self, record):
        return record.get_state_display()

    def render_signed_by(self, value):
        return display_name(value)


class VendorTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="单位名称")
    designated = tables.Column(verbose_name="涉密定点单位")
    designation_number = tables.Column(verbose_name="资质编号")
    designation_expires_on = tables.DateColumn(verbose_name="有效期至", format="Y-m-d")
    contact = tables.Column(verbose_name="联系人")
    phone = tables.Column(verbose_name="电话")

    class Meta:
        model = Vendor
        fields = ("name", "designated", "designation_number", "designation_expires_on", "contact", "phone")
        attrs = {"class": "table table-hover align-middle"}

    def render_designated(self, record):
        if not record.designated:
            return "否"
        if record.designation_valid():
            return format_html('<span class="badge text-bg-success">{}</span>', "是（有效）")
        return format_html('<span class="badge text-bg-danger">{}</span>', "是（已过期）")

    def value_designated(self, record):
        if not record.designated:
            return "否"
        return "是（有效）" if record.designation_valid() else "是（已过期）"


class RequestTable(tables.Table):
    title = tables.Column(
        verbose_name="申请",
        empty_values=(),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("created_at",),
    )
    department = tables.Column(verbose_name="部门")
    classified = tables.Column(verbose_name="涉密设备")
    state = tables.Column(verbose_name="状态")
    requested_by = tables.Column(verbose_name="申请人")
    created_at = DateTimeColumn(verbose_name="申请时间", format="Y-m-d H:i")

    class Meta:
        attrs = {"class": "table table-hover align-middle"}

    def render_title(self, record):
        return str(record)

    def value_title(self, record):
        return str(record)

    def render_classified(self, value):
        return format_html('<span class="badge text-bg-danger">{}</span>', "涉密") if value else "否"

    def value_classified(self, value):
        return "是" if value else "否"

    def render_state(self, record):
        return record.get_state_display()

    def value_state(self, record):
        return record.get_state_display()

    def render_requested_by(self, value):
        return display_name(value)


class RepairRequestTable(RequestTable):
    vendor = tables.Column(verbose_name="维修单位")

    class Meta(RequestTable.Meta):
        model = RepairRequest
        fields = ("title", "department", "classified", "vendor", "state", "requested_by", "created_at")


class DestructionRequestTable(RequestTable):
    class Meta(RequestTable.Meta):
        model = DestructionRequest
        fields = ("title", "department", "classified", "state", "requested_by", "created_at")
