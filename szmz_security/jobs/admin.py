from django.contrib import admin

from szmz_security.core.admin import ReadOnlyAdminMixin

from .models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: jobs change only through the worker and the stale sweep (services.py)."""

    list_display = (
        "pk",
        "kind",
        "state",
        "done",
        "total",
        "attempts",
        "heartbeat_at",
        "requested_by",
        "created_at",
    )
    list_filter = ("kind", "state")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"
