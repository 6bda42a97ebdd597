import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.models import display_name

from .models import ExternalAssessment, Project, QuarterlyReview, Risk


class QuarterlyReviewTable(tables.Table):
    """Rows need ``obligation`` and ``signed_off_by__profile`` selected and ``item_count`` /
    ``assessed_count`` annotated (``QuarterlyReviewListView.get_queryset``)."""

    name = tables.Column(verbose_name="评估", accessor="pk", linkify=lambda record: record.get_absolute_url())
    progress = tables.Column(verbose_name="评估进度", empty_values=(), orderable=False)
    due = tables.Column(verbose_name="截止时间", accessor="obligation__due_at", empty_values=())
    obligation_state = tables.Column(verbose_name="义务状态", accessor="obligation__state", empty_values=())
    signed_off_at = DateTimeColumn(verbose_name="签发时间", format="Y-m-d H:i")
    signed_off_by = tables.Column(verbose_name="签发人")

    class Meta:
        model = QuarterlyReview
        fields = ("name", "progress", "due", "obligation_state", "signed_off_at", "signed_off_by")
        attrs = {"class": "table table-hover align-middle"}

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

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

    def render_signed_off_by(self, value):
        return display_name(value)

    def value_signed_off_by(self, value):
        return display_name(value)


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


class ProjectTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="项目名称")
    state = tables.Column(verbose_name="状态")
    owner = tables.Column(verbose_name="项目负责人")
    created_at = DateTimeColumn(verbose_name="登记时间", format="Y-m-d")

    class Meta:
        model = Project
        fields = ("name", "department", "owner", "state", "created_at")
        attrs = {"class": "table table-hover align-middle"}

    def render_state(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', record.state_badge, record.get_state_display()
        )

    def value_state(self, record):
        return record.get_state_display()

    def render_owner(self, value):
        return display_name(value)

    def value_owner(self, value):
        return display_name(value)


class RiskTable(tables.Table):
    """Rows need ``department``, ``owner__profile``, ``project`` and ``accepted_by`` selected."""

    title = tables.Column(linkify=True, verbose_name="风险名称")
    score = tables.Column(verbose_name="风险值")
    level = tables.Column(verbose_name="等级", empty_values=(), order_by=("score",))
    owner = tables.Column(verbose_name="责任人")
    project = tables.Column(verbose_name="项目")
    acceptance = tables.Column(verbose_name="风险接受", empty_values=(), orderable=False)
    likelihood = tables.Column(verbose_name="可能性")
    severity = tables.Column(verbose_name="严重程度")
    next_review = tables.DateColumn(verbose_name="下次复核", format="Y-m-d")

    class Meta:
        model = Risk
        fields = (
            "title",
            "department",
            "project",
            "likelihood",
            "severity",
            "score",
            "level",
            "treatment",
            "acceptance",
            "owner",
            "next_review",
            "status",
        )
        attrs = {"class": "table table-hover align-middle"}

    def render_level(self, record):
        return format_html(
            '<span class="badge {}" style="{}">{}</span>',
            record.level_badge,
            record.level_style,
            record.get_level_display(),
        )

    def value_level(self, record):
        return record.get_level_display()

    def render_acceptance(self, record):
        if record.accepted_by_id is None:
            return "—"
        if record.acceptance_valid():
            return f"已接受（至 {record.acceptance_expires:%Y-%m-%d}）"
        return format_html(
            '<span class="text-danger">已过期（{}）</span>', f"{record.acceptance_expires:%Y-%m-%d}"
        )

    def value_acceptance(self, record):
        return str(self.render_acceptance(record))

    def render_owner(self, value):
        return display_name(value)

    def value_owner(self, value):
        return display_name(value)
