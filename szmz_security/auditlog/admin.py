from django.contrib import admin

from szmz_security.core.admin import ReadOnlyAdminMixin

from .models import AuditChainVerification, AuditEvent, AuditPurge


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log cannot be changed or deleted by hand (等保 2.0 audit protection)."""


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "outcome", "username", "ip_address", "object_repr")
    list_filter = ("kind", "log_class", "outcome")
    search_fields = ("username", "object_repr", "ip_address")
    date_hierarchy = "at"


@admin.register(AuditPurge)
class AuditPurgeAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "log_class", "retention_days", "cutoff", "deleted")


@admin.register(AuditChainVerification)
class AuditChainVerificationAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "ok", "events_checked", "first_broken_id", "message")
