"""Governance records (business rules): the security-officer roster (2 §1) and the 24-hour
on-call rota (3 §3); security scans, their findings and patches (2 §6, 8 §2); log sources
(2 §5, 8 §1); training (chapter 9); account reviews after staff changes and the yearly one
(7 §2); privileged accounts and their password changes (5 §4).

Views, signals, the beat task and the compliance evidence call these; each change runs in one
transaction. Refusals are ``ValidationError`` with the field they concern.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.org.models import Department, display_name

from ..common import end_of_day, review_department
from .models import (
    AccountReview,
    Attendance,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PasswordChange,
    PatchRecord,
    PrivilegedAccount,
    ScanFinding,
    SecurityScan,
    TrainingSession,
)

logger = logging.getLogger(__name__)

ACCOUNT_REVIEW_KIND = "audits.account_review"
ACCOUNT_REVIEW_YEARLY_KIND = "audits.account_review.yearly"
ACCOUNT_REVIEW_CLAUSE = "市民政局制度 第七章第2条"
SCAN_FINDING_KIND = "audits.scan_finding"
SCAN_FINDING_CLAUSE = "市民政局制度 第二章第6条、第八章第2条"

LOG_RETENTION_FLOOR = 60  # 2 §5, 8 §1: never below
LOG_RETENTION_LAW = 180  # 网络安全法: not less than six months


def add_working_days(day, count):
    """``count`` working days (Monday–Friday) after ``day``."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


# --- the roster (2 §1) --------------------------------------------------------------------------


def current_appointments(queryset=None, today=None):
    today = today or timezone.localdate()
    queryset = OfficerAppointment.objects.all() if queryset is None else queryset
    return queryset.filter(appointed_on__lte=today).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def roster_status(today=None):
    """How the current roster meets 2 §1 (AUDITS_OFFICERS_FULL_TIME 专职 and
    AUDITS_OFFICERS_PART_TIME 兼职 current officers): counts, people missing and the shortfall
    as Chinese sentences (empty when complete). One query."""
    Kind = OfficerAppointment.Kind
    counts = {Kind.FULL_TIME: 0, Kind.PART_TIME: 0}
    for kind in current_appointments(today=today).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    need = {
        Kind.FULL_TIME: settings.AUDITS_OFFICERS_FULL_TIME,
        Kind.PART_TIME: settings.AUDITS_OFFICERS_PART_TIME,
    }
    problems = [
        f"{kind.label}安全员 {counts[kind]} 人，应至少 {need[kind]} 人"
        for kind in (Kind.FULL_TIME, Kind.PART_TIME)
        if counts[kind] < need[kind]
    ]
    return {
        "full_time": counts[Kind.FULL_TIME],
        "part_time": counts[Kind.PART_TIME],
        "missing": sum(max(0, need[k] - counts[k]) for k in need),
        "problems": problems,
    }


def roster_shortfall(today=None):
    return roster_status(today)["problems"]


def clean_appointment(appointment):
    if appointment.ended_on and appointment.ended_on < appointment.appointed_on:
        raise ValidationError({"ended_on": "卸任日期不能早于任命日期。"})


# --- the on-call rota (3 §3) ----------------------------------------------------------------------


def on_call(day=None):
    """The shifts covering ``day`` (today by default)."""
    day = day or timezone.localdate()
    return (
        OnCallShift.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .select_related("person__profile")
        .order_by("starts_on", "pk")
    )


def rota_gaps(start, end):
    """Days in [start, end] with nobody on call (one query)."""
    covered = set()
    for s, e in OnCallShift.objects.filter(starts_on__lte=end, ends_on__gte=start).values_list(
        "starts_on", "ends_on"
    ):
        day = max(s, start)
        while day <= min(e, end):
            covered.add(day)
            day += datetime.timedelta(days=1)
    days = (end - start).days + 1
    return [
        start + datetime.timedelta(days=i)
        for i in range(days)
        if start + datetime.timedelta(days=i) not in covered
    ]


def may_view_rota(user):
    """今日值班: for those who see the rota, or any shift of it."""
    return user.has_perm("audits.view_oncallshift") or OnCallShift.objects.visible_to(user).exists()


# --- scans and findings (2 §6, 8 §2) ------------------------------------------------------------


@transaction.atomic
def add_scan_finding(scan, *, severity, description, owner, fix_due, by):
    if fix_due < scan.scanned_on:
        raise ValidationError({"fix_due": "整改期限不能早于检测日期。"})
    finding = ScanFinding(scan=scan, severity=severity, description=description, owner=owner, fix_due=fix_due)
    finding._change_reason = "登记检测发现"
    finding.save()
    finding.obligation = obligations.create_obligation(
        title=f"整改安全检测发现：{description[:60]}",
        kind=SCAN_FINDING_KIND,
        clause=SCAN_FINDING_CLAUSE,
        due_at=end_of_day(fix_due),
        department=scan.department,
        subject=scan,
        assignee=owner,
        notify_roles=("security_officer",),
        escalate_roles=("leadership",),
    )
    finding.save(update_fields=["obligation"])
    return finding


@transaction.atomic
def fix_scan_finding(finding, *, fixed_on, note, by):
    if finding.fixed_on:
        raise ValidationError({"fixed_on": "该发现已整改完成。"})
    if fixed_on > timezone.localdate():
        raise ValidationError({"fixed_on": "整改完成日期不能晚于今天。"})
    if fixed_on < finding.scan.scanned_on:
        raise ValidationError({"fixed_on": "整改完成日期不能早于检测日期。"})
    finding.fixed_on = fixed_on
    finding.fix_note = note
    finding._change_reason = "整改完成"
    finding.save(update_fields=["fixed_on", "fix_note"])
    if finding.obligation and finding.obligation.is_open:
        obligations.meet(
            finding.obligation,
            by=by,
            evidence=f"{fixed_on:%Y-%m-%d} 整改完成：{note or '已修复'}",
            at=min(end_of_day(fixed_on), timezone.now()),
        )
    return finding


# --- log sources (2 §5, 8 §1) -----------------------------------------------------------------------


def clean_log_source(source):
    if source.retention_days is not None and source.retention_days < LOG_RETENTION_FLOOR:
        raise ValidationError(
            {
                "retention_days": f"日志保存期限不得少于 {LOG_RETENTION_FLOOR} 天"
                f"（《深圳市民政局信息安全管理制度》第二章第5条、第八章第1条）。"
            }
        )


def log_source_flags(source, today=None):
    today = today or timezone.localdate()
    flags = []
    if source.retention_days < LOG_RETENTION_LAW:
        flags.append(f"保存 {source.retention_days} 天，低于网络安全法要求的六个月（{LOG_RETENTION_LAW} 天）")
    if source.last_verified_on is None:
        flags.append("从未核查")
    elif (today - source.last_verified_on).days > settings.AUDITS_LOG_VERIFY_DAYS:
        flags.append(f"超过 {settings.AUDITS_LOG_VERIFY_DAYS} 天未核查")
    return flags


def stale_log_sources_q(today=None):
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=settings.AUDITS_LOG_VERIFY_DAYS)
    return Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=limit)


@transaction.atomic
def verify_log_source(source, *, by, on=None):
    source.last_verified_on = on or timezone.localdate()
    source.verified_by = by
    source._change_reason = "核查日志保存情况"
    source.save(update_fields=["last_verified_on", "verified_by"])
    return source


# --- training (chapter 9) -----------------------------------------------------------------------------


@transaction.atomic
def record_attendance(session, *, users, attended=True):
    """Add or update people's attendance of a session; returns how many rows changed."""
    changed = 0
    for user in users:
        row, created = Attendance.objects.get_or_create(
            session=session, user=user, defaults={"attended": attended}
        )
        if not created and row.attended != attended:
            row.attended = attended
            row._change_reason = "更新签到"
            row.save(update_fields=["attended"])
        changed += 1
    return changed


def may_view_training_of(user, person):
    """A person's training record: their own, or anyone's for those who see training records
    (officers, leadership, inspectors), or a member of one of the person's departments."""
    if person == user or user.has_perm("audits.view_trainingsession"):
        return True
    return Department.objects.filter(group__user=person).filter(group__user=user).exists()


def training_history(user):
    return (
        Attendance.objects.filter(user=user)
        .select_related("session__department")
        .order_by("-session__held_on", "-session__pk")
    )


# --- account reviews (7 §2) -----------------------------------------------------------------------


def account_review_due(today=None):
    today = today or timezone.localdate()
    return end_of_day(add_working_days(today, settings.AUDITS_ACCOUNT_REVIEW_DAYS))


@transaction.atomic
def open_account_review(*, subject, kind, reason, changed_department=None, today=None):
    """A task for the information centre: update the accounts and rights of someone who left or
    changed department. Returns None when the owning department does not exist."""
    department = review_department()
    if department is None:
        return None
    review = AccountReview(
        kind=kind,
        subject=subject,
        changed_department=changed_department,
        reason=reason,
        department=department,
    )
    review._change_reason = "人员变动，自动创建"
    review.save()
    review.obligation = obligations.create_obligation(
        title=f"更新{display_name(subject)}的账号和权限（{review.get_kind_display()}）",
        kind=ACCOUNT_REVIEW_KIND,
        clause=ACCOUNT_REVIEW_CLAUSE,
        due_at=account_review_due(today),
        department=department,
        subject=review,
        notify_roles=("security_officer",),
        escalate_roles=("leadership",),
    )
    review.save(update_fields=["obligation"])
    return review


def yearly_due_at(year):
    month, day = (int(part) for part in settings.AUDITS_ACCOUNT_REVIEW_YEARLY_DUE.split("-"))
    return end_of_day(datetime.date(year, month, day))


@transaction.atomic
def ensure_yearly_account_review(today=None, department=None):
    """This year's account review (7 §2 每年度进行信息核对) and its obligation, created once."""
    today = today or timezone.localdate()
    department = department or review_department()
    if department is None:
        return None
    review, created = AccountReview.objects.select_for_update().get_or_create(
        kind=AccountReview.Kind.YEARLY,
        year=today.year,
        defaults={"department": department, "reason": f"{today.year}年度账号和权限信息核对"},
    )
    if review.obligation_id is None:
        review.obligation = obligations.create_obligation(
            title=f"完成{today.year}年度账号权限核对",
            kind=ACCOUNT_REVIEW_YEARLY_KIND,
            clause=ACCOUNT_REVIEW_CLAUSE,
            due_at=yearly_due_at(today.year),
            department=review.department,
            subject=review,
            notify_roles=("security_officer",),
            escalate_roles=("leadership",),
        )
        review._change_reason = "年度核对，自动创建"
        review.save(update_fields=["obligation"])
    return review


@transaction.atomic
def close_account_review(review, *, by, accounts_disabled="", rights_changed="", note=""):
    if review.closed:
        raise ValidationError("该核对任务已完成，不能再次关闭。")
    accounts_disabled, rights_changed, note = (
        (accounts_disabled or "").strip(),
        (rights_changed or "").strip(),
        (note or "").strip(),
    )
    if not (accounts_disabled or rights_changed or note):
        raise ValidationError({"note": "请填写已停用的账号、已调整的权限或核对说明。"})
    review.accounts_disabled = accounts_disabled
    review.rights_changed = rights_changed
    review.note = note
    review.closed_at = timezone.now()
    review.closed_by = by
    review._change_reason = "完成账号权限核对"
    review.save(update_fields=["accounts_disabled", "rights_changed", "note", "closed_at", "closed_by"])
    if review.obligation and review.obligation.is_open:
        parts = [
            f"停用账号：{accounts_disabled}" if accounts_disabled else "",
            f"调整权限：{rights_changed}" if rights_changed else "",
            note,
        ]
        obligations.meet(review.obligation, by=by, evidence="；".join(p for p in parts if p))
    return review


# --- privileged accounts (5 §4) ---------------------------------------------------------------------


def overdue_accounts_q(today=None):
    today = today or timezone.localdate()
    return Q(active=True, password_due_on__lt=today)


@transaction.atomic
def record_password_change(account, *, changed_on, by):
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": "更换日期不能晚于今天。"})
    change = PasswordChange(account=account, changed_on=changed_on, changed_by=by)
    change._change_reason = "登记密码更换"
    change.save()
    if account.password_changed_on is None or changed_on > account.password_changed_on:
        account.password_changed_on = changed_on
        account._change_reason = "密码已更换"
        account.save(update_fields=["password_changed_on"])
    return change


# --- records edited on their own screens ------------------------------------------------------------

# The rule each record is checked against, and the change reason of a new one.
RECORD_RULES = {
    OfficerAppointment: (clean_appointment, "任命安全员"),
    OnCallShift: (OnCallShift.clean, "安排值班"),
    SecurityScan: (None, "登记安全检测"),
    PatchRecord: (None, "登记补丁"),
    LogSource: (clean_log_source, "登记日志来源"),
    TrainingSession: (None, "登记培训"),
    PrivilegedAccount: (None, "登记特权账号"),
}


@transaction.atomic
def save_record(obj):
    """Create or correct a governance record under its rule (nothing is saved when it refuses)."""
    check, reason = RECORD_RULES[type(obj)]
    if check is not None:
        check(obj)
    obj._change_reason = reason if obj.pk is None else "修改"
    obj.save()
    return obj
