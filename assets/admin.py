from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .machine_room.models import ROOM_FIELDS
from .models import Asset, AssetImport, BackupRecord, FireCheck, MachineRoom, RoomAccess, RoomChange
from .register.resources import AssetResource


@admin.register(Asset)
class AssetAdmin(GuardedModelAdminMixin, ImportExportMixin, SimpleHistoryAdmin):
    """The admin's import goes through django-import-export directly; the portal's 批量导入 page
    (whole-file validation, all or nothing, background task) is the one for users."""

    resource_classes = [AssetResource]
    list_display = ("number", "name", "type", "department", "zone", "secrecy", "status")
    list_filter = ("type", "zone", "secrecy", "status", "critical_infrastructure", "department")
    search_fields = ("number", "name", "serial", "model_number", "location")
    raw_id_fields = ("custodian",)
    list_select_related = ("department",)


@admin.register(AssetImport)
class AssetImportAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "created_by",
        "created_at",
        "state",
        "total_rows",
        "created_count",
        "updated_count",
    )
    list_filter = ("state",)
    readonly_fields = [field.name for field in AssetImport._meta.fields]

    def has_add_permission(self, request):
        return False


class RoomAccessInline(admin.TabularInline):
    model = RoomAccess
    extra = 0
    raw_id_fields = ("approved_by", "recorded_by")


class RoomChangeInline(admin.TabularInline):
    model = RoomChange
    extra = 0
    raw_id_fields = ("approved_by", "performed_by", "asset")


@admin.register(MachineRoom)
class MachineRoomAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ROOM_FIELDS
    list_filter = ("active", "department")
    raw_id_fields = ("responsible",)
    inlines = [RoomAccessInline, RoomChangeInline]


@admin.register(BackupRecord)
class BackupRecordAdmin(SimpleHistoryAdmin):
    list_display = ("room", "date", "systems", "succeeded", "performed_by", "recorded_at")
    list_filter = ("succeeded", "room")
    date_hierarchy = "date"
    raw_id_fields = ("performed_by", "obligation")


@admin.register(FireCheck)
class FireCheckAdmin(SimpleHistoryAdmin):
    list_display = ("room", "month", "checked_on", "extinguishers_ok", "checked_by")
    list_filter = ("extinguishers_ok", "room")
    raw_id_fields = ("checked_by", "obligation")
