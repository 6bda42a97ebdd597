import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import PersonColumn, RecordColumn

from .models import EmergencyDrill, EmergencyPlan


def _badge(record):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', record.status_badge, record.get_status_display()
    )


class EmergencyPlanTable(tables.Table):
    name = RecordColumn(verbose_name="应急预案")
    approved_by = PersonColumn(verbose_name="批准人")

    class Meta:
        model = EmergencyPlan
        fields = ("name", "scope", "status", "approved_by", "approved_on", "next_review_on", "department")

    def render_status(self, record):
        return _badge(record)

    def value_status(self, record):
        return record.get_status_display()


class EmergencyDrillTable(tables.Table):
    name = RecordColumn(verbose_name="应急演练")
    plan = tables.Column(verbose_name="应急预案", accessor="plan__title")

    class Meta:
        model = EmergencyDrill
        fields = ("name", "plan", "held_on", "status", "department")

    def render_status(self, record):
        return _badge(record)

    def value_status(self, record):
        return record.get_status_display()
