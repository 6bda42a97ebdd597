import django_tables2 as tables

from szmz_security.org.models import display_name

from .models import Incident


class IncidentTable(tables.Table):
    title = tables.Column(linkify=True)
    discovered_at = tables.DateTimeColumn(format="Y-m-d H:i")
    reported_by = tables.Column(verbose_name="报告人")

    class Meta:
        model = Incident
        fields = ("title", "department", "discovered_at", "secret_leak", "reported_by")
        attrs = {"class": "table table-hover align-middle"}

    def render_reported_by(self, value):
        return display_name(value)
