from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Circulation,
    ExternalAssessment,
    Finding,
    GoLiveAssessment,
    Project,
    QuarterlyReview,
    ReviewItem,
    Risk,
    RiskEstimate,
)


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    fields = ("clause", "hint_status", "result", "note", "assessed_by", "assessed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyReview)
class QuarterlyReviewAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "department", "signed_off_at", "signed_off_by")
    list_filter = ("year", "quarter")
    raw_id_fields = ("obligation", "signed_off_by")
    inlines = [ReviewItemInline]


@admin.register(ExternalAssessment)
class ExternalAssessmentAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "assessor", "assessed_on", "department")
    list_filter = ("kind",)
    raw_id_fields = ("obligation", "recorded_by")


@admin.register(Project)
class ProjectAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "department", "owner", "state", "created_at")
    list_filter = ("state", "department")
    search_fields = ("name", "description")
    raw_id_fields = ("owner", "created_by", "system")


@admin.register(Risk)
class RiskAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "department", "likelihood", "severity", "score", "status", "acceptance_expires")
    list_filter = ("status", "treatment", "department")
    search_fields = ("title", "description")
    raw_id_fields = ("owner", "project", "accepted_by", "review_obligation")


for model in (Finding, Circulation, RiskEstimate, GoLiveAssessment):
    admin.site.register(model, SimpleHistoryAdmin)
