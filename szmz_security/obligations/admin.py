from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Notification, Obligation


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "department", "clause", "due_at", "state")
    list_filter = ("state", "kind", "department")
    search_fields = ("title", "clause", "authority")
    date_hierarchy = "due_at"
    list_select_related = ("department",)
    raw_id_fields = ("assignee", "met_by", "waived_by")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "stage", "created_at", "read_at", "email_status")
    list_filter = ("email_status", "stage", "level")
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient", "obligation")

    def has_change_permission(self, request, obj=None):
        return False
