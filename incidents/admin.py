from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Incident


@admin.register(Incident)
class IncidentAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "department", "discovered_at", "secret_leak", "reported_by")
    list_filter = ("secret_leak", "department")
    search_fields = ("title",)
    raw_id_fields = ("reported_by",)
