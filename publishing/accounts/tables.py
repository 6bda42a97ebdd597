import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import PersonColumn, RecordColumn

from .models import PublicAccount, PublicAccountReview

STATUS_BADGES = {"active": "success", "suspended": "warning", "closed": "secondary"}


class PublicAccountTable(tables.Table):
    name = tables.Column(verbose_name="账号名称", linkify=True)
    content_officer = PersonColumn(verbose_name="内容安全负责人")

    class Meta:
        model = PublicAccount
        fields = (
            "name",
            "platform",
            "account_id",
            "department",
            "content_officer",
            "registered_entity",
            "status",
            "last_reviewed_on",
        )

    def render_status(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            STATUS_BADGES.get(record.status, "secondary"),
            record.get_status_display(),
        )

    def value_status(self, record):
        return record.get_status_display()


class PublicAccountReviewTable(tables.Table):
    review = RecordColumn(verbose_name="核查")
    reviewer = PersonColumn(verbose_name="核查人")

    class Meta:
        model = PublicAccountReview
        fields = ("review", "year", "department", "reviewed_on", "reviewer", "still_needed")
