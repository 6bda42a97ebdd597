import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.core.tables import DateTimeColumn
from szmz_security.org.models import display_name

from . import governance
from .models import (
    AccountReview,
    ExternalAssessment,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    Project,
    QuarterlyReview,
    Risk,
    SecurityScan,
    TrainingSession,
)


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

    def render_owner(self, value):
        return display_name(value)

    def value_owner(self, value):
        return display_name(value)


# --- governance records ---------------------------------------------------------------------------


ATTRS = {"class": "table table-hover align-middle"}


def _link(record):
    return record.get_absolute_url()


class PersonColumn(tables.Column):
    def render(self, value):
        return display_name(value)

    def value(self, value):
        return display_name(value)


class OfficerAppointmentTable(tables.Table):
    person = PersonColumn(verbose_name="安全员", linkify=_link)
    status = tables.Column(verbose_name="状态", empty_values=(), orderable=False)

    class Meta:
        model = OfficerAppointment
        fields = ("person", "kind", "phone", "appointed_on", "ended_on", "status", "department")
        attrs = ATTRS

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
        attrs = ATTRS

    def render_period(self, record):
        return f"{record.starts_on:%Y-%m-%d} 至 {record.ends_on:%Y-%m-%d}"

    def value_period(self, record):
        return self.render_period(record)


class SecurityScanTable(tables.Table):
    scanned_on = tables.DateColumn(verbose_name="检测日期", format="Y-m-d", linkify=_link)
    performed_by = PersonColumn(verbose_name="检测人")
    findings = tables.Column(verbose_name="发现（未整改）", empty_values=(), orderable=False)

    class Meta:
        model = SecurityScan
        fields = ("scanned_on", "system", "tool", "performed_by", "findings", "department")
        attrs = ATTRS

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
        attrs = ATTRS


class LogSourceTable(tables.Table):
    system = tables.Column(linkify=_link)
    verified_by = PersonColumn(verbose_name="核查人")
    flags = tables.Column(verbose_name="提示", empty_values=(), orderable=False)

    class Meta:
        model = LogSource
        fields = ("system", "location", "retention_days", "last_verified_on", "verified_by", "flags")
        attrs = ATTRS

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
        attrs = ATTRS

    def render_attendees(self, record):
        return record.attended_count

    def value_attendees(self, record):
        return record.attended_count


class AccountReviewTable(tables.Table):
    name = tables.Column(verbose_name="核对任务", accessor="pk", linkify=_link)
    due = tables.Column(verbose_name="期限", accessor="obligation__due_at", empty_values=())
    obligation_state = tables.Column(verbose_name="状态", accessor="obligation__state", empty_values=())
    closed_by = PersonColumn(verbose_name="处理人")

    class Meta:
        model = AccountReview
        fields = ("name", "kind", "reason", "due", "obligation_state", "closed_at", "closed_by")
        attrs = ATTRS

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)

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
        attrs = ATTRS

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
