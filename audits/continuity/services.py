"""Emergency plans and drills (business rules): approving a plan version (which retires the
version it replaces, in one transaction), recording a drill held with its findings and
improvements, and the yearly drill obligation of every department owning an approved plan
(beat task ``audits.ensure_drill_obligations``, idempotent).

Views, the API and the beat task call these; refusals are ``ValidationError`` naming the field
(``PermissionDenied`` for an approver without ``audits.approve_emergencyplan``).
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from szmz_security.core.uploads import check_upload
from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation
from szmz_security.org.models import Department

from ..common import end_of_day
from .models import EmergencyDrill, EmergencyPlan

DRILL_KIND = "audits.emergency_drill"
DRILL_CLAUSE = "GB/T 22239-2019 8.1.10.13 应急预案管理；民政网络安全管理制度 应急预案与演练"
APPROVE_PERMISSION = "audits.approve_emergencyplan"
ATTACHMENT_SUFFIXES = {".pdf", ".docx", ".doc"}


# --- plans ------------------------------------------------------------------------------------------


def clean_plan(plan):
    if plan.supersedes_id is not None and plan.supersedes_id == plan.pk:
        raise ValidationError({"supersedes": "预案不能替代其自身。"})
    if plan.supersedes_id is not None and plan.supersedes.department_id != plan.department_id:
        raise ValidationError({"supersedes": "只能替代本部门的预案。"})
    if plan.pk is not None and plan.status != EmergencyPlan.Status.DRAFT:
        original = (
            EmergencyPlan.objects.filter(pk=plan.pk).values("title", "version", "summary", "scope").first()
        )
        if original and any(original[name] != getattr(plan, name) for name in original):
            raise ValidationError("已批准或已废止的预案不能修改内容，请登记新版本。")


def validate_attachment(uploaded):
    """The plan's text as uploaded: PDF or Word, checked by content, within the size limit."""
    if not uploaded:
        return
    limit = settings.AUDITS_REPORT_MAX_MB * 1024 * 1024
    if uploaded.size == 0:
        raise ValidationError({"attachment": "文件为空。"})
    if uploaded.size > limit:
        raise ValidationError(
            {
                "attachment": f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），上限 {settings.AUDITS_REPORT_MAX_MB} MB。"
            }
        )
    try:
        check_upload(uploaded, ATTACHMENT_SUFFIXES)
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages}) from None


@transaction.atomic
def save_plan(plan, uploaded=None):
    clean_plan(plan)
    if uploaded:
        if plan.pk is not None and plan.status != EmergencyPlan.Status.DRAFT:
            raise ValidationError({"attachment": "已批准或已废止的预案不能更换附件，请登记新版本。"})
        validate_attachment(uploaded)
        plan.attachment = uploaded
        plan.attachment_name = Path(uploaded.name).name[:200]
    plan._change_reason = "登记应急预案" if plan.pk is None else "修改"
    plan.save()
    return plan


def may_approve(user):
    return user.has_perm(APPROVE_PERMISSION)


@transaction.atomic
def approve_plan(plan, *, by, approved_on=None, note=""):
    """批准: the draft becomes 已批准 with who and when; every older approved version of the same
    plan (same title and department, or the one it supersedes) becomes 已废止. The department then
    owes a drill this year."""
    if not may_approve(by):
        raise PermissionDenied("只有局领导可以批准应急预案。")
    plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != EmergencyPlan.Status.DRAFT:
        raise ValidationError(f"该预案状态为“{plan.get_status_display()}”，只有草稿可以批准。")
    today = timezone.localdate()
    on = approved_on or today
    if on > today:
        raise ValidationError({"approved_on": "批准日期不能晚于今天。"})
    older = Q(title=plan.title, department_id=plan.department_id)
    if plan.supersedes_id:
        older |= Q(pk=plan.supersedes_id)
    for old in (
        EmergencyPlan.objects.select_for_update()
        .filter(older, status=EmergencyPlan.Status.APPROVED)
        .exclude(pk=plan.pk)
    ):
        old.status = EmergencyPlan.Status.RETIRED
        old._change_reason = f"被新版本替代：{plan}"
        old.save(update_fields=["status"])
    plan.status = EmergencyPlan.Status.APPROVED
    plan.approved_by = by
    plan.approved_on = on
    plan._change_reason = f"批准{('：' + note.strip()) if note and note.strip() else ''}"
    plan.save(update_fields=["status", "approved_by", "approved_on"])
    ensure_drill_obligation(plan.department, today.year)
    return plan


# --- drills -----------------------------------------------------------------------------------------


def clean_drill(drill):
    if drill.plan_id and drill.department_id and drill.plan.department_id != drill.department_id:
        raise ValidationError({"plan": "只能选择本部门的应急预案。"})
    if drill.plan_id and drill.pk is None and drill.plan.status == EmergencyPlan.Status.RETIRED:
        raise ValidationError({"plan": "该预案已废止，请选择现行版本。"})


@transaction.atomic
def save_drill(drill, participants=None):
    clean_drill(drill)
    if drill.status == EmergencyDrill.Status.COMPLETED:
        _require_results(drill.findings, drill.improvements)
    drill._change_reason = "计划应急演练" if drill.pk is None else "修改"
    drill.save()
    if participants is not None:
        drill.participants.set(participants)
    return drill


def _require_results(findings, improvements):
    errors = {}
    if not (findings or "").strip():
        errors["findings"] = "请填写演练中发现的问题（没有问题请写明“未发现问题”）。"
    if not (improvements or "").strip():
        errors["improvements"] = "请填写针对发现问题的改进措施。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_drill_held(drill, *, held_on, findings, improvements, by):
    """演练已实施: the date, what it found and what will be improved; meets the department's
    drill obligation of that year (late when after its due date)."""
    drill = EmergencyDrill.objects.select_for_update().get(pk=drill.pk)
    if drill.status != EmergencyDrill.Status.PLANNED:
        raise ValidationError({"held_on": f"该演练状态为“{drill.get_status_display()}”，不能再次记录实施。"})
    if held_on is None:
        raise ValidationError({"held_on": "请填写演练实施日期。"})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "实施日期不能晚于今天。"})
    _require_results(findings, improvements)
    drill.held_on = held_on
    drill.findings = findings.strip()
    drill.improvements = improvements.strip()
    drill.status = EmergencyDrill.Status.COMPLETED
    drill.recorded_by = by
    drill._change_reason = "记录演练实施"
    drill.save(update_fields=["held_on", "findings", "improvements", "status", "recorded_by"])
    obligation = open_drill_obligation(drill.department, held_on.year)
    if obligation is not None:
        _meet_with(obligation, drill, by)
    return drill


@transaction.atomic
def cancel_drill(drill, *, reason, by):
    drill = EmergencyDrill.objects.select_for_update().get(pk=drill.pk)
    if drill.status != EmergencyDrill.Status.PLANNED:
        raise ValidationError({"reason": f"该演练状态为“{drill.get_status_display()}”，不能取消。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明取消原因。"})
    drill.status = EmergencyDrill.Status.CANCELLED
    drill._change_reason = f"取消：{reason.strip()}"
    drill.save(update_fields=["status"])
    return drill


# --- the yearly drill obligation --------------------------------------------------------------------


def drill_due_at(year):
    month, day = (int(part) for part in settings.AUDITS_DRILL_DUE.split("-"))
    return end_of_day(datetime.date(year, month, day))


def _year_window(year):
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return {"due_at__gte": start, "due_at__lt": start.replace(year=year + 1)}


def drill_obligations(department, year):
    return Obligation.objects.filter(kind=DRILL_KIND, department=department, **_year_window(year))


def open_drill_obligation(department, year):
    return drill_obligations(department, year).filter(state=Obligation.State.OPEN).first()


def _meet_with(obligation, drill, by):
    obligations.meet(
        obligation,
        by=by,
        evidence=f"{drill.held_on:%Y-%m-%d} 实施应急演练（{drill.plan}）：发现问题 {drill.findings[:60]}",
        at=min(end_of_day(drill.held_on), timezone.now()),
    )


@transaction.atomic
def ensure_drill_obligation(department, year):
    """The department's drill obligation of ``year``, created once; met at once when a drill of
    that year is already recorded held."""
    Department.objects.select_for_update().filter(pk=department.pk).first()  # one creator at a time
    existing = drill_obligations(department, year).first()
    if existing:
        return existing
    obligation = obligations.create_obligation(
        title=f"{department.name}完成{year}年度应急演练",
        kind=DRILL_KIND,
        clause=DRILL_CLAUSE,
        due_at=drill_due_at(year),
        department=department,
        notify_roles=("security_officer",),
        escalate_roles=("leadership",),
    )
    held = (
        EmergencyDrill.objects.filter(
            department=department, status=EmergencyDrill.Status.COMPLETED, held_on__year=year
        )
        .select_related("plan")
        .order_by("held_on", "pk")
        .first()
    )
    if held is not None:
        _meet_with(obligation, held, held.recorded_by)
    return obligation


def ensure_drill_obligations(today=None):
    """Beat (idempotent): this year's drill obligation of every department owning an approved plan.
    Returns how many departments owe one."""
    today = today or timezone.localdate()
    departments = Department.objects.filter(
        pk__in=EmergencyPlan.objects.filter(status=EmergencyPlan.Status.APPROVED).values("department")
    )
    count = 0
    for department in departments:
        ensure_drill_obligation(department, today.year)
        count += 1
    return count
