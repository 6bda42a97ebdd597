from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, CorrectiveAction, Incident, RegulatorReport, ReportingRule, TimelineEntry


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    fields = ("at", "kind", "text", "user")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "department", "discovered_at", "category", "grade", "state", "secret_leak")
    list_filter = ("state", "grade", "category", "secret_leak", "department")
    search_fields = ("title", "description")
    date_hierarchy = "discovered_at"
    raw_id_fields = ("reported_by",)
    list_select_related = ("department",)
    inlines = [TimelineInline]


@admin.register(ReportingRule)
class ReportingRuleAdmin(SimpleHistoryAdmin):
    """The reports incidents owe: editable by administrators (changes apply at the next recompute)."""

    list_display = (
        "name",
        "authority",
        "deadline_hours",
        "deadline_hours_cii",
        "anchor",
        "active",
        "sort_order",
    )
    list_editable = ("deadline_hours", "active")
    list_filter = ("active", "anchor")
    fieldsets = (
        (None, {"fields": ("code", "name", "authority", "clause", "active", "sort_order")}),
        (
            "何时须报告（满足任一条件）",
            {
                "fields": (
                    "on_categories",
                    "on_crime_suspected",
                    "on_secret_leak",
                    "on_personal_info",
                    "min_grade",
                )
            },
        ),
        ("时限", {"fields": ("anchor", "deadline_hours", "deadline_hours_cii")}),
        ("提醒", {"fields": ("notify_roles", "escalate_roles")}),
    )

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: obligations already owed keep their rule's name in their kind.
        return False


@admin.register(RegulatorReport)
class RegulatorReportAdmin(SimpleHistoryAdmin):
    list_display = ("incident", "receiving_body", "sent_at", "channel", "reference_number", "sent_by")
    raw_id_fields = ("incident", "obligation", "sent_by")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "incident", "owner", "due_at")
    raw_id_fields = ("incident", "owner", "obligation")


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "incident", "size", "uploaded_by", "uploaded_at")
    raw_id_fields = ("incident", "uploaded_by")
