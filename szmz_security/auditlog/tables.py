import django_tables2 as tables

from .models import AuditEvent, AuditPurge


class AuditEventTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="时间", format="Y-m-d H:i:s")

    class Meta:
        model = AuditEvent
        fields = ("at", "kind", "outcome", "username", "ip_address", "object_repr", "log_class")
        attrs = {"class": "table table-sm table-hover align-middle"}


class AuditPurgeTable(tables.Table):
    class Meta:
        model = AuditPurge
        fields = ("started_at", "log_class", "retention_days", "cutoff", "deleted", "batches")
        attrs = {"class": "table table-sm align-middle"}
