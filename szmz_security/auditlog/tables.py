import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn

from .models import AuditEvent, AuditPurge


class AuditEventTable(tables.Table):
    at = DateTimeColumn(verbose_name="时间", format="Y-m-d H:i:s")

    class Meta:
        model = AuditEvent
        fields = ("at", "kind", "outcome", "username", "ip_address", "object_repr", "log_class")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_outcome(self, value, record):
        if record.outcome == AuditEvent.Outcome.FAILURE:
            return format_html('<span class="text-danger fw-semibold">{}</span>', value)
        return value

    def value_outcome(self, record):
        return record.get_outcome_display()


class AuditPurgeTable(tables.Table):
    class Meta:
        model = AuditPurge
        fields = ("started_at", "log_class", "retention_days", "cutoff", "deleted", "batches")
        attrs = {"class": "table table-sm align-middle"}
