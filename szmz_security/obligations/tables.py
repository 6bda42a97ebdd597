import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn
from szmz_security.core.templatetags.portal import countdown
from szmz_security.org.access import REDACTED, content_readable

from .models import Notification, NotificationReceipt, Obligation


class ObligationTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="事项")
    department = tables.Column(verbose_name="部门")
    clause = tables.Column(verbose_name="制度条款")
    authority = tables.Column(verbose_name="报送对象")
    due_at = DateTimeColumn(verbose_name="截止时间", format="Y-m-d H:i")
    remaining = tables.Column(verbose_name="剩余时间", empty_values=(), orderable=False)
    state = tables.Column(verbose_name="状态")

    class Meta:
        model = Obligation
        fields = ("title", "department", "clause", "authority", "due_at", "remaining", "state")
        attrs = {"class": "table table-hover align-middle"}
        order_by = ("due_at",)

    def render_title(self, record, value):
        return self.value_title(record, value)

    def value_title(self, record, value):
        # Need-to-know: a restricted record's obligation quotes its title.
        return value if content_readable(record) else REDACTED

    def render_state(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', record.state_badge(), record.display_state()
        )

    def value_state(self, record):
        return record.display_state()

    def render_remaining(self, record):
        return countdown(record.due_at, record.is_open) or "—"

    def value_remaining(self, record):
        return ""


class NotificationTable(tables.Table):
    title = tables.Column(verbose_name="通知", linkify=lambda record: record.url or None)
    created_at = DateTimeColumn(verbose_name="时间", format="Y-m-d H:i")
    # My own state (NotificationQuerySet.with_state_for annotates it with the rows).
    read_at = tables.Column(verbose_name="状态", empty_values=())
    email_status = tables.Column(verbose_name="邮件", empty_values=())

    class Meta:
        model = Notification
        fields = ("title", "created_at", "read_at", "email_status")
        attrs = {"class": "table table-hover align-middle"}

    def render_read_at(self, value):
        return "已读" if value else format_html('<span class="badge text-bg-primary">{}</span>', "未读")

    def value_read_at(self, value):
        return "已读" if value else "未读"

    def render_email_status(self, value):
        return NotificationReceipt.EmailStatus(value).label

    def value_email_status(self, value):
        return self.render_email_status(value)
