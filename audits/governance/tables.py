import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.core.tables import DateColumn, PersonColumn, RecordColumn

from . import services as governance
from .models import (
    AccountReview,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    SecurityScan,
    TrainingSession,
)


def _link(record):
    return record.get_absolute_url()


class OfficerAppointmentTable(tables.Table):
    person = PersonColumn(verbose_name="安全员", linkify=_link)
    status = tables.Column(verbose_name="状态", empty_values=(), orderable=False)

    class Meta:
        model = OfficerAppointment
        fields = ("person", "kind", "phone", "appointed_on", "ended_on", "status", "department")

    def render_status(self, record):
        if record.is_current():
            return format_html('<span class="badge text-bg-success">{}</span>', "在任")
        return format_html('<span class="badge text-bg-secondary">{}</span>', self.value_status(record))

    def value_status(self, record):
        if record.is_current():
            return "在任"
        return "未到任" if record.appointed_on > timezone.localdate() else "已卸任"


class OnCallShiftTable(tables.Table):
    period = tables.Column(verbose_name="值班时间", accessor="starts_on", linkify=_link)
    person = PersonColumn(verbose_name="值班人")

    class Meta:
        model = OnCallShift
        fields = ("period", "person", "phone", "note")

    def render_period(self, record):
        return f"{record.starts_on:%Y-%m-%d} 至 {record.ends_on:%Y-%m-%d}"

    def value_period(self, record):
        return self.render_period(record)


class SecurityScanTable(tables.Table):
    scanned_on = DateColumn(verbose_name="检测日期", format="Y-m-d", linkify=_link)
    performed_by = PersonColumn(verbose_name="检测人")
    findings = tables.Column(verbose_name="发现（未整改）", empty_values=(), orderable=False)

    class Meta:
        model = SecurityScan
        fields = ("scanned_on", "system", "tool", "performed_by", "findings", "department")

    def render_findings(self, record):
        return f"{record.finding_count}（{record.open_count}）"

    def value_findings(self, record):
        return self.render_findings(record)


class PatchRecordTable(tables.Table):
    patch_id = tables.Column(linkify=_link)
    applied_by = PersonColumn(verbose_name="安装人")

    class Meta:
        model = PatchRecord
        fields = ("applied_on", "system", "patch_id", "applied_by", "note", "department")


class LogSourceTable(tables.Table):
    system = tables.Column(linkify=_link)
    verified_by = PersonColumn(verbose_name="核查人")
    flags = tables.Column(verbose_name="提示", empty_values=(), orderable=False)

    class Meta:
        model = LogSource
        fields = ("system", "location", "retention_days", "last_verified_on", "verified_by", "flags")

    def render_flags(self, record):
        flags = governance.log_source_flags(record)
        if not flags:
            return format_html('<span class="badge text-bg-success">{}</span>', "正常")
        return format_html(
            '<span class="badge text-bg-warning" data-testid="log-flag">{}</span>', "；".join(flags)
        )

    def value_flags(self, record):
        return "；".join(governance.log_source_flags(record))


class TrainingSessionTable(tables.Table):
    title = tables.Column(linkify=_link)
    attendees = tables.Column(verbose_name="参加人数", empty_values=(), orderable=False)

    class Meta:
        model = TrainingSession
        fields = ("held_on", "title", "trainer", "audience", "hours", "attendees", "department")

    def render_attendees(self, record):
        return record.attended_count

    def value_attendees(self, record):
        return record.attended_count


class AccountReviewTable(tables.Table):
    name = RecordColumn(verbose_name="核对任务")
    due = tables.Column(verbose_name="期限", accessor="obligation__due_at", empty_values=())
    obligation_state = tables.Column(verbose_name="状态", accessor="obligation__state", empty_values=())
    closed_by = PersonColumn(verbose_name="处理人")

    class Meta:
        model = AccountReview
        fields = ("name", "kind", "reason", "due", "obligation_state", "closed_at", "closed_by")

    def render_due(self, record):
        return timezone.localtime(record.obligation.due_at).strftime("%Y-%m-%d") if record.obligation else "—"

    def value_due(self, record):
        return self.render_due(record)

    def render_obligation_state(self, record):
        if record.obligation is None:
            return "—"
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            record.obligation.state_badge(),
            record.obligation.display_state(),
        )

    def value_obligation_state(self, record):
        return record.obligation.display_state() if record.obligation else ""

    def render_closed_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class PrivilegedAccountTable(tables.Table):
    account_name = tables.Column(linkify=_link)
    holder = PersonColumn(verbose_name="持有人")
    approved_by = PersonColumn(verbose_name="审批人")
    password = tables.Column(verbose_name="密码状态", accessor="password_due_on", empty_values=())

    class Meta:
        model = PrivilegedAccount
        fields = (
            "system",
            "account_name",
            "holder",
            "approved_by",
            "approved_on",
            "password_interval_days",
            "password_changed_on",
            "password",
            "active",
        )

    def render_password(self, record):
        if record.password_overdue():
            return format_html(
                '<span class="badge text-bg-danger" data-testid="password-overdue">逾期（应于 {} 前更换）</span>',
                f"{record.password_due_on:%Y-%m-%d}",
            )
        return format_html(
            '<span class="badge text-bg-success">正常（{} 前更换）</span>',
            f"{record.password_due_on:%Y-%m-%d}",
        )

    def value_password(self, record):
        return "逾期" if record.password_overdue() else "正常"
