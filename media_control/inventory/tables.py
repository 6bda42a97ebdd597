import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn, RecordColumn
from szmz_security.org.models import display_name

from .models import Inventory


class InventoryTable(tables.Table):
    name = RecordColumn(verbose_name="清点", order_by=("year",))
    department = tables.Column(verbose_name="部门")
    state = tables.Column(verbose_name="状态")
    due = tables.Column(verbose_name="截止", accessor="obligation__due_at", orderable=False)
    signed_by = tables.Column(verbose_name="签署人")
    signed_at = DateTimeColumn(verbose_name="签署时间", format="Y-m-d H:i")

    class Meta:
        model = Inventory
        fields = ("name", "department", "state", "due", "signed_by", "signed_at")

    def render_due(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d}"

    def render_state(self, record):
        colour = "success" if record.is_signed else "warning"
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, record.get_state_display())

    def value_state(self, record):
        return record.get_state_display()

    def render_signed_by(self, value):
        return display_name(value)
