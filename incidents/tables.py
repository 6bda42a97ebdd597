import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.models import display_name

from .models import Incident


class IncidentTable(tables.Table):
    title = tables.Column(linkify=True)
    discovered_at = DateTimeColumn(format="Y-m-d H:i")
    reported_by = tables.Column(verbose_name="报告人")

    class Meta:
        model = Incident
        fields = ("title", "department", "discovered_at", "secret_leak", "reported_by")
        attrs = {"class": "table table-hover align-middle"}

    def render_reported_by(self, value):
        return display_name(value)

    def render_secret_leak(self, value):
        # A leak must stand out in the list (it owes a report to the secrecy bureau within 24 hours).
        return format_html('<span class="badge text-bg-danger">{}</span>', "是") if value else "否"

    def value_secret_leak(self, value):
        return "是" if value else "否"
