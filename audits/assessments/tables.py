import django_tables2 as tables

from szmz_security.core.tables import RecordColumn

from .models import ExternalAssessment


class ExternalAssessmentTable(tables.Table):
    name = RecordColumn(verbose_name="测评")

    class Meta:
        model = ExternalAssessment
        fields = ("name", "kind", "assessor", "assessed_on", "department")
