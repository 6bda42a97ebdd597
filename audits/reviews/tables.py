import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn, PersonColumn, RecordColumn

from .models import QuarterlyReview


class QuarterlyReviewTable(tables.Table):
    """Rows need ``obligation`` and ``signed_off_by__profile`` selected and ``item_count`` /
    ``assessed_count`` annotated (``QuarterlyReviewListView.get_queryset``)."""

    name = RecordColumn(verbose_name="评估")
    progress = tables.Column(verbose_name="评估进度", empty_values=(), orderable=False)
    due = tables.Column(verbose_name="截止时间", accessor="obligation__due_at", empty_values=())
    obligation_state = tables.Column(verbose_name="义务状态", accessor="obligation__state", empty_values=())
    signed_off_at = DateTimeColumn(verbose_name="签发时间", format="Y-m-d H:i")
    signed_off_by = PersonColumn(verbose_name="签发人")

    class Meta:
        model = QuarterlyReview
        fields = ("name", "progress", "due", "obligation_state", "signed_off_at", "signed_off_by")

    def render_progress(self, record):
        return f"{record.assessed_count} / {record.item_count}"

    def value_progress(self, record):
        return f"{record.assessed_count}/{record.item_count}"

    def render_due(self, record):
        return timezone.localtime(record.obligation.due_at).strftime("%Y-%m-%d") if record.obligation else "—"

    def value_due(self, record):
        return self.render_due(record)

    def render_obligation_state(self, record):
        obligation = record.obligation
        if obligation is None:
            return "—"
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', obligation.state_badge(), obligation.display_state()
        )

    def value_obligation_state(self, record):
        return record.obligation.display_state() if record.obligation else ""
