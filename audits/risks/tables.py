import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateColumn, PersonColumn

from .models import Risk


class RiskTable(tables.Table):
    """Rows need ``department``, ``owner__profile``, ``project`` and ``accepted_by`` selected."""

    title = tables.Column(linkify=True, verbose_name="风险名称")
    score = tables.Column(verbose_name="风险值")
    level = tables.Column(verbose_name="等级", empty_values=(), order_by=("score",))
    owner = PersonColumn(verbose_name="责任人")
    project = tables.Column(verbose_name="项目")
    acceptance = tables.Column(verbose_name="风险接受", empty_values=(), orderable=False)
    likelihood = tables.Column(verbose_name="可能性")
    severity = tables.Column(verbose_name="严重程度")
    next_review = DateColumn(verbose_name="下次复核", format="Y-m-d")

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

    def render_level(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            record.level_badge,
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
