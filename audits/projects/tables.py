import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn, PersonColumn

from .models import Project


class ProjectTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="项目名称")
    state = tables.Column(verbose_name="状态")
    owner = PersonColumn(verbose_name="项目负责人")
    created_at = DateTimeColumn(verbose_name="登记时间", format="Y-m-d")

    class Meta:
        model = Project
        fields = ("name", "department", "owner", "state", "created_at")

    def render_state(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', record.state_badge, record.get_state_display()
        )

    def value_state(self, record):
        return record.get_state_display()
