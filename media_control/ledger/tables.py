import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.org.access import REDACTED, content_readable
from szmz_security.org.models import display_name

from .models import Medium

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
        text = f"{timezone.localtime(checkout.expected_return_at):%Y-%m-%d %H:%M}"
        if checkout.is_overdue():
            return format_html('<span class="badge text-bg-danger">已逾期</span> {}', text)
        return text

    def value_due(self, record):
        checkout = self._active(record)
        return f"{timezone.localtime(checkout.expected_return_at):%Y-%m-%d %H:%M}" if checkout else ""
