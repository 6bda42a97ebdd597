import django_tables2 as tables

from .models import ExternalAssessment


class ExternalAssessmentTable(tables.Table):
    name = tables.Column(verbose_name="测评", accessor="pk", linkify=lambda record: record.get_absolute_url())

    class Meta:
        model = ExternalAssessment
        fields = ("name", "kind", "assessor", "assessed_on", "department")
        attrs = {"class": "table table-hover align-middle"}

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)
