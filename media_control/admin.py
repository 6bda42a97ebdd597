from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Checkout, DestructionRequest, Inventory, Medium, RepairRequest, Vendor


@admin.register(Medium)
class MediumAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "number",
        "type",
        "secrecy_level",
        "protection_years",
        "zone",
        "custodian",
        "status",
        "department",
    )
    list_filter = ("type", "secrecy_level", "status", "zone", "department")
    search_fields = ("number", "serial", "brand")
    raw_id_fields = ("custodian",)
    list_select_related = ("department", "custodian")

    def has_change_permission(self, request, obj=None):
        # A destroyed medium is read-only everywhere, the admin included.
        if obj is not None and obj.is_destroyed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_destroyed:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Checkout)
class CheckoutAdmin(SimpleHistoryAdmin):
    list_display = ("medium", "requester", "state", "expected_return_at", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("medium", "requester")
    readonly_fields = ("obligation",)


@admin.register(Inventory)
class InventoryAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "department", "state", "signed_by", "signed_at")
    list_filter = ("year", "state")


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "designated", "designation_number", "designation_expires_on", "contact")
    list_filter = ("designated",)
    search_fields = ("name",)


@admin.register(RepairRequest)
class RepairRequestAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("pk", "medium", "asset", "vendor", "state", "classified", "created_at")
    list_filter = ("state", "classified")
    raw_id_fields = ("medium", "asset", "requested_by", "approved_by")


@admin.register(DestructionRequest)
class DestructionRequestAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("pk", "medium", "asset", "vendor", "state", "classified", "destroyed_at")
    list_filter = ("state", "classified")
    raw_id_fields = ("medium", "asset", "requested_by", "approved_by", "completed_by")
