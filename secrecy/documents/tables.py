"""Tables of the classified documents register (lists and exports)."""

import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import PersonColumn
from szmz_security.org.access import REDACTED, content_readable
from szmz_security.org.models import display_name

from .models import ClassifiedDocument, DocumentCustodian, SecrecyPeriodReview


def _link(record):
    return record.get_absolute_url()


class ClassifiedDocumentTable(tables.Table):
    number = tables.Column(verbose_name="登记编号", linkify=_link)
    title = tables.Column(verbose_name="文件标题")
    marking = tables.Column(verbose_name="密级和保密期限", empty_values=(), orderable=False)
    custodian = tables.Column(verbose_name="保管人")

    class Meta:
        model = ClassifiedDocument
        fields = (
            "registered_on",
            "number",
            "title",
            "issuer",
            "document_number",
            "marking",
            "copies",
            "custodian",
            "status",
            "department",
        )

    def render_title(self, record, value):
        if record.restricted:
            return format_html(
                '{} <i class="bi bi-lock-fill text-danger" title="知悉范围受限"></i>',
                self.value_title(record, value),
            )
        return value

    def value_title(self, record, value):
        # Need-to-know: a restricted row without content access shows only that it exists.
        return value if content_readable(record) else REDACTED

    def render_issuer(self, record, value):
        return self.value_issuer(record, value)

    def value_issuer(self, record, value):
        return value if content_readable(record) else REDACTED

    def render_document_number(self, record, value):
        return self.value_document_number(record, value)

    def value_document_number(self, record, value):
        return value if content_readable(record) else REDACTED

    def render_marking(self, record):
        return self.value_marking(record)

    def value_marking(self, record):
        return record.marking

    def render_custodian(self, record, value):
        return self.value_custodian(record, value)

    def value_custodian(self, record, value):
        return display_name(value) if content_readable(record) else REDACTED


class DocumentCustodianTable(tables.Table):
    person = PersonColumn(verbose_name="管理人", linkify=_link)

    class Meta:
        model = DocumentCustodian
        fields = ("person", "department", "filed_with_office_on", "ended_on", "note")


class SecrecyPeriodReviewTable(tables.Table):
    year = tables.Column(verbose_name="年度", linkify=_link)
    reviewed_by = PersonColumn(verbose_name="审查人")

    class Meta:
        model = SecrecyPeriodReview
        fields = ("year", "department", "reviewed_on", "reviewed_by", "result", "note")
