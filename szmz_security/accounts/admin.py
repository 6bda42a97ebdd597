from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from szmz_security.core.admin import ReadOnlyAdminMixin

from .models import PasswordHistory

# django-otp's own device admins show a user's secret as a QR code and delete devices without an
# audit event; devices are reset only through the user admin's audited action.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Evidence of password changes (5 §4 / 6 §8): read-only, hashes not shown."""

    list_display = ("user", "changed_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    date_hierarchy = "changed_at"
    fields = ("user", "changed_at")
    readonly_fields = fields
