import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.core.tables import DateColumn, PersonColumn

from .models import ArchiveSeries

GRADE_BADGES = {
    "public": "light",
    "internal": "info",
    "secret": "warning",
    "confidential": "danger",
    "top_secret": "dark",
}


class ArchiveSeriesTable(tables.Table):
    code = tables.Column(verbose_name="全宗/类目号", linkify=lambda record: record.get_absolute_url())
    graded_on = DateColumn(verbose_name="定级日期", format="Y-m-d")
    graded_by = PersonColumn(verbose_name="定级人")
    next_review_on = tables.Column(verbose_name="下次复评")

    class Meta:
        model = ArchiveSeries
        fields = ("code", "name", "grade", "department", "graded_on", "graded_by", "next_review_on")

    def render_grade(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            GRADE_BADGES.get(record.grade, "secondary"),
            record.get_grade_display(),
        )

    def value_grade(self, record):
        return record.get_grade_display()

    def render_next_review_on(self, record, value):
        if record.review_overdue(timezone.localdate()):
            return format_html('<span class="text-danger">{}（已到期）</span>', f"{value:%Y-%m-%d}")
        return f"{value:%Y-%m-%d}"

    def value_next_review_on(self, record, value):
        return f"{value:%Y-%m-%d}" if value else ""
