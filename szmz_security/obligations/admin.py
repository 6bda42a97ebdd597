from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Notification, NotificationReceipt, Obligation


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "department", "clause", "due_at", "state")
    list_filter = ("state", "kind", "department")
    search_fields = ("title", "clause", "authority")
    date_hierarchy = "due_at"
    list_select_related = ("department",)
    raw_id_fields = ("assignee", "met_by", "waived_by")


class NotificationReceiptInline(admin.TabularInline):
    model = NotificationReceipt
    extra = 0
    raw_id_fields = ("recipient",)
    can_delete = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "stage", "level", "created_at", "recipient_count")
    list_filter = ("stage", "level")
    search_fields = ("title", "key")
    raw_id_fields = ("obligation",)
    inlines = [NotificationReceiptInline]

    @admin.display(description="接收人数")
    def recipient_count(self, notification):
        return len(notification.recipients)

    def has_change_permission(self, request, obj=None):
        return False
