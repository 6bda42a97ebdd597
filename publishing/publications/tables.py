import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.models import display_name

from .models import Publication

STATE_COLOURS = {
    Publication.State.DRAFT: "secondary",
    Publication.State.HEAD_REVIEW: "info",
    Publication.State.INFO_REVIEW: "info",
    Publication.State.LEADER_REVIEW: "primary",
    Publication.State.READY: "warning",
    Publication.State.PUBLISHED: "success",
    Publication.State.RETURNED: "warning",
    Publication.State.REJECTED: "danger",
}


def state_badge(publication):
    return format_html(
        '<span class="badge text-bg-{}" data-state="{}">{}</span>',
        STATE_COLOURS.get(publication.state, "secondary"),
        publication.state,
        publication.get_state_display(),
    )


class PublicationTable(tables.Table):
    """Rows need ``department`` and ``author__profile`` selected: no query per row."""

    title = tables.Column(linkify=True, verbose_name="标题")
    version = tables.Column(verbose_name="版本")
    department = tables.Column(verbose_name="部门")
    channel = tables.Column(verbose_name="发布渠道")
    is_major = tables.Column(verbose_name="重大事项")
    state = tables.Column(verbose_name="状态")
    author = tables.Column(verbose_name="起草人")
    created_at = DateTimeColumn(verbose_name="创建时间")
    planned_at = DateTimeColumn(verbose_name="计划发布时间")
    published_at = DateTimeColumn(verbose_name="发布时间")

    class Meta:
        model = Publication
        fields = (
            "title",
            "version",
            "department",
            "channel",
            "is_major",
            "state",
            "author",
            "created_at",
            "planned_at",
            "published_at",
        )
        attrs = {"class": "table table-hover align-middle"}

    def render_version(self, value):
        return f"第 {value} 版"

    def value_version(self, value):
        return value

    def render_channel(self, record):
        return record.get_channel_display()

    def value_channel(self, record):
        return record.get_channel_display()

    def render_is_major(self, value):
        return format_html('<span class="badge text-bg-danger">{}</span>', "重大") if value else "否"

    def value_is_major(self, value):
        return "是" if value else "否"

    def render_state(self, record):
        return state_badge(record)

    def value_state(self, record):
        return record.get_state_display()

    def render_author(self, value):
        return display_name(value)

    def value_author(self, value):
        return display_name(value)
