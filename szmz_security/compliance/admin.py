from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from szmz_security.core.admin import ReadOnlyAdminMixin

from .models import ApplicabilityOverride, Attestation, Chapter, Clause, Framework


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Frameworks come from the data files (manage.py load_frameworks): read-only here."""


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "version", "active", "loaded_at")


@admin.register(Chapter)
class ChapterAdmin(ReadOnlyAdmin):
    list_display = ("framework", "label", "title", "retired")
    list_filter = ("framework",)


@admin.register(Clause)
class ClauseAdmin(ReadOnlyAdmin):
    list_display = ("framework", "code", "title", "frequency", "retired")
    list_filter = ("framework", "frequency", "retired")
    search_fields = ("code", "title", "text")
    list_select_related = ("framework", "chapter")


@admin.register(Attestation)
class AttestationAdmin(SimpleHistoryAdmin):
    list_display = ("clause", "by", "at", "valid_until")
    list_select_related = ("clause__chapter", "by")
    raw_id_fields = ("clause", "by")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicabilityOverride)
class ApplicabilityOverrideAdmin(SimpleHistoryAdmin):
    list_display = ("clause", "applicable", "by", "at")
    raw_id_fields = ("clause", "by")

    def has_delete_permission(self, request, obj=None):
        return False
