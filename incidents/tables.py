import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.access import REDACTED, content_readable
from szmz_security.org.models import display_name

from .models import Incident
from .templatetags.incident_tags import (
    grade_badge,
    grade_text,
    next_deadline,
    next_deadline_text,
    state_badge,
)


class IncidentTable(tables.Table):
    """Rows need ``department``, ``reported_by__profile`` selected and ``open_obligations``
    prefetched (``IncidentListView.get_queryset``): no query per row."""

    title = tables.Column(linkify=True, verbose_name="标题")
    department = tables.Column(verbose_name="部门")
    discovered_at = DateTimeColumn(verbose_name="发现时间", format="Y-m-d H:i")
    category = tables.Column(verbose_name="类型")
    grade = tables.Column(verbose_name="等级", empty_values=(), order_by=("grade", "suggested_grade"))
    state = tables.Column(verbose_name="状态")
    next_deadline = tables.Column(verbose_name="下一截止", empty_values=(), orderable=False)
    secret_leak = tables.Column(verbose_name="涉及泄密")
    reported_by = tables.Column(verbose_name="报告人")

    class Meta:
        model = Incident
        fields = (
            "title",
            "department",
            "discovered_at",
            "category",
            "grade",
            "state",
            "next_deadline",
            "secret_leak",
            "reported_by",
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

    def render_category(self, record):
        return record.get_category_display()

    def value_category(self, record):
        return record.get_category_display()

    def render_grade(self, record):
        return grade_badge(record)

    def value_grade(self, record):
        return grade_text(record)

    def render_state(self, record):
        return state_badge(record)

    def value_state(self, record):
        return record.get_state_display()

    def render_next_deadline(self, record):
        return next_deadline(record)

    def value_next_deadline(self, record):
        return next_deadline_text(record)

    def render_reported_by(self, record, value):
        return self.value_reported_by(record, value)

    def value_reported_by(self, record, value):
        return display_name(value) if content_readable(record) else REDACTED

    def render_secret_leak(self, value):
        # A leak must stand out in the list (it owes a report to the secrecy bureau within 24 hours).
        return format_html('<span class="badge text-bg-danger">{}</span>', "是") if value else "否"

    def value_secret_leak(self, value):
        return "是" if value else "否"
