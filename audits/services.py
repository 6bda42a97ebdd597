"""Risk-assessment business rules (regulation chapter 4): the quarterly review and its checklist,
findings, circulation and sign-off; the annual external assessment and its improvement plan; the
project gates before 立项 and go-live; the risk register's acceptance and review dates.

Views call these; each change runs in one transaction so nothing is half-saved. Refusals are
``ValidationError`` (with a field name where there is one) or ``PermissionDenied``.
"""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from szmz_security.core.uploads import check_upload
from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import can, grant, share_with_department
from szmz_security.org.models import Department, display_name
from szmz_security.org.roles import LEADERSHIP

from . import risk_levels
from .models import (
    Circulation,
    Finding,
    Project,
    QuarterlyReview,
    ReviewItem,
    Risk,
)

logger = logging.getLogger(__name__)

FRAMEWORK_CODE = "szmz-2008"
REVIEW_KIND = "audits.quarterly_review"
REVIEW_CLAUSE = "市民政局制度 第四章第3条"
EXTERNAL_KIND = "audits.external_assessment"
EXTERNAL_CLAUSE = "市民政局制度 第四章第4条"
FINDING_KIND = "audits.finding"
IMPROVEMENT_KIND = "audits.improvement"
ESTIMATE_KIND = "audits.project_risk_estimate"
ESTIMATE_CLAUSE = "市民政局制度 第四章第1条"
GOLIVE_KIND = "audits.golive_assessment"
GOLIVE_CLAUSE = "市民政局制度 第四章第2条"
RISK_REVIEW_KIND = "audits.risk_review"
RISK_REVIEW_CLAUSE = "市民政局制度 第四章（风险台账复核）"


# --- periods ----------------------------------------------------------------------------------------


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year, quarter):
    """(first day, first day of the next quarter) of a quarter."""
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def end_of_day(day):
    """The last second of a local calendar day, aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def review_due_at(year, quarter):
    """A quarter's review is due by the end of that quarter (its last day, 23:59 local time): the
    regulation asks for one assessment per quarter, and the quarter is the period it covers."""
    _, end = quarter_bounds(year, quarter)
    return end_of_day(end - datetime.timedelta(days=1))


def external_due_at(year):
    """The year's external assessment is due on AUDITS_EXTERNAL_DUE (MM-DD, default 12-31)."""
    month, day = (int(part) for part in settings.AUDITS_EXTERNAL_DUE.split("-"))
    return end_of_day(datetime.date(year, month, day))


def review_department():
    code = settings.AUDITS_REVIEW_DEPARTMENT
    department = Department.objects.filter(code=code).first()
    if department is None:
        logger.warning("audits: department %r not found; no quarterly review obligations", code)
    return department


# --- the quarterly review -----------------------------------------------------------------------------


@transaction.atomic
def ensure_quarterly_review(today=None):
    """The current quarter's review, its checklist and its obligation, created once (idempotent;
    the beat runs it hourly). Also ensures this year's external-assessment obligation."""
    today = today or timezone.localdate()
    department = review_department()
    if department is None:
        return None
    ensure_external_obligation(today.year, department=department)
    from .governance import ensure_yearly_account_review

    ensure_yearly_account_review(today, department=department)
    year, quarter = quarter_of(today)
    review, created = QuarterlyReview.objects.select_for_update().get_or_create(
        year=year, quarter=quarter, defaults={"department": department}
    )
    if created:
        review._change_reason = "季度开始，自动创建"
        generate_checklist(review)
    if review.obligation_id is None:
        review.obligation = obligations.create_obligation(
            title=f"完成{review}",
            kind=REVIEW_KIND,
            clause=REVIEW_CLAUSE,
            due_at=review_due_at(year, quarter),
            department=review.department,
            subject=review,
            notify_roles=("security_officer",),
            escalate_roles=("leadership",),
        )
        review._change_reason = "创建季度评估义务"
        review.save(update_fields=["obligation"])
    return review


def ensure_external_obligation(year, department=None):
    """This year's external assessment obligation (4 §4), created once."""
    department = department or review_department()
    if department is None:
        return None
    due = external_due_at(year)
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    existing = Obligation.objects.filter(
        kind=EXTERNAL_KIND, due_at__gte=start, due_at__lt=start.replace(year=year + 1)
    ).first()
    if existing:
        return existing
    return obligations.create_obligation(
        title=f"完成{year}年度外部信息安全风险评估（含等级测评）",
        kind=EXTERNAL_KIND,
        clause=EXTERNAL_CLAUSE,
        due_at=due,
        department=department,
        notify_roles=("security_officer",),
        escalate_roles=("leadership",),
    )


def generate_checklist(review, as_of=None):
    """One item per clause of the bureau's framework that applies (not N/A), each pre-filled with
    what the compliance service says about it as a hint for the assessor."""
    from szmz_security.compliance.evidence import Status
    from szmz_security.compliance.services import evaluate, evaluation_instant

    # The instant the dashboard and the PDF use for this quarter: its end, or now before then.
    _, next_quarter = quarter_bounds(review.year, review.quarter)
    as_of = as_of or evaluation_instant(next_quarter - datetime.timedelta(days=1))
    evaluation = evaluate(FRAMEWORK_CODE, as_of=as_of)
    existing = set(review.items.values_list("clause_id", flat=True))
    items = []
    for order, status in enumerate(evaluation.clauses):
        if status.status == Status.NOT_APPLICABLE or status.clause.pk in existing:
            continue
        items.append(
            ReviewItem(
                review=review,
                clause=status.clause,
                sort_order=order,
                hint_status=str(status.status),
                hint=status.reason,
            )
        )
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(items, ReviewItem)
    return items


def _require_change(user, obj, message="您没有权限修改该记录。"):
    if not can(user, "change", obj):
        raise PermissionDenied(message)


def _require_open(review):
    if review.signed_off:
        raise ValidationError(
            f"{review}已于 {timezone.localtime(review.signed_off_at):%Y-%m-%d %H:%M} 签发，不能再修改。"
        )


@transaction.atomic
def assess_item(item, *, result, note="", by):
    review = item.review
    _require_change(by, review, "只有安全员可以填写季度评估。")
    _require_open(review)
    if result not in ReviewItem.Result.values:
        raise ValidationError({"result": "请选择评估结果。"})
    note = (note or "").strip()
    if result in ReviewItem.NOTE_REQUIRED and not note:
        raise ValidationError({"note": f"评估结果为“{ReviewItem.Result(result).label}”时须填写证据说明。"})
    item.result = result
    item.note = note
    item.assessed_by = by
    item.assessed_at = timezone.now()
    item._change_reason = f"评估为{ReviewItem.Result(result).label}"
    item.save()
    return item


def _create_finding_obligation(finding, *, kind, clause):
    return obligations.create_obligation(
        title=f"整改：{finding.title}",
        kind=kind,
        clause=clause,
        due_at=finding.due_at,
        department=finding.department,
        subject=finding,
        assignee=finding.owner,
        notify_roles=(),
        escalate_roles=("security_officer",),
    )


def _validate_finding(title, severity, department, owner, due_at):
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写发现的问题。"
    if severity not in Finding.Severity.values:
        errors["severity"] = "请选择严重程度。"
    if department is None:
        errors["department"] = "请选择责任部门。"
    if owner is None:
        errors["owner"] = "请选择责任人。"
    if due_at is None:
        errors["due_at"] = "请填写完成期限。"
    elif due_at <= timezone.now():
        errors["due_at"] = "完成期限应晚于当前时间。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_finding(review, *, title, severity, department, owner, due_at, by, measures="", item=None):
    """A finding of the quarterly review: its remediation date is an Obligation of its owner, who
    may open the review it came from."""
    _require_change(by, review, "只有安全员可以登记评估发现。")
    _require_open(review)
    _validate_finding(title, severity, department, owner, due_at)
    if item is not None and item.review_id != review.pk:
        raise ValidationError({"item": "该评估项不属于本次评估。"})
    finding = Finding.objects.create(
        review=review,
        item=item,
        title=title.strip(),
        measures=(measures or "").strip(),
        severity=severity,
        department=department,
        owner=owner,
        due_at=due_at,
        created_by=by,
    )
    finding.obligation = _create_finding_obligation(finding, kind=FINDING_KIND, clause=REVIEW_CLAUSE)
    finding._change_reason = "登记评估发现"
    finding.save(update_fields=["obligation"])
    grant("view", owner, review)
    return finding


@transaction.atomic
def circulate(review, departments, *, by):
    """通报: the review's results to the chosen departments. Each member gets an in-app
    notification (once per review) and a Circulation row that records when they read it; the
    department may open the review (guardian view grant). Returns the number of new recipients."""
    _require_change(by, review, "只有安全员可以通报评估结果。")
    departments = list(departments)
    if not departments:
        raise ValidationError({"departments": "请选择至少一个通报部门。"})
    user_model = get_user_model()
    now = timezone.now()
    rows = []
    recipients = []
    existing = set(review.circulations.values_list("department_id", "user_id"))
    for department in departments:
        share_with_department(review, department)
        members = list(user_model.objects.filter(groups=department.group, is_active=True))
        for user in members:
            if (department.pk, user.pk) in existing:
                continue
            rows.append(Circulation(review=review, department=department, user=user, sent_at=now, sent_by=by))
            recipients.append(user)
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(rows, Circulation, default_user=by)
    if recipients:
        obligations.notify(
            {user.pk: user for user in recipients}.values(),
            key=f"audits.circulation:{review.pk}",
            title=f"【通报】{review}结果",
            body=f"信息中心通报{review}的结果，请查阅。",
            url=reverse("audits:quarterlyreview_circulation", args=[review.pk]),
        )
    return len(rows)


def mark_read(review, user):
    """The recipient opened the circulation page: record the first reading."""
    return Circulation.objects.filter(review=review, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unassessed_items(review):
    return review.items.filter(result="").select_related("clause__chapter")


@transaction.atomic
def sign_off(review, *, by, summary=""):
    """签发: only when every item is assessed. Meets the quarter's obligation (late when after
    its deadline) with the counts as evidence."""
    _require_change(by, review, "只有安全员可以签发季度评估。")
    review = QuarterlyReview.objects.select_for_update().get(pk=review.pk)
    _require_open(review)
    if not review.items.exists():
        raise ValidationError("评估清单为空，不能签发。请先生成评估清单。")
    missing = list(unassessed_items(review))
    if missing:
        shown = "、".join(item.clause.display_code for item in missing[:5])
        more = f"等 {len(missing)} 项" if len(missing) > 5 else ""
        raise ValidationError(f"尚有 {len(missing)} 项未评估（{shown}{more}），全部评估后才能签发。")
    now = timezone.now()
    review.summary = (summary or review.summary).strip()
    review.signed_off_at = now
    review.signed_off_by = by
    review._change_reason = "签发"
    review.save()
    counts = dict.fromkeys(ReviewItem.Result.labels, 0)
    for result in review.items.values_list("result", flat=True):
        counts[ReviewItem.Result(result).label] += 1
    evidence = f"{display_name(by)} 于 {timezone.localtime(now):%Y-%m-%d %H:%M} 签发；" + "，".join(
        f"{label} {n} 项" for label, n in counts.items()
    )
    evidence += f"；发现问题 {review.findings.count()} 项。"
    if review.obligation_id and review.obligation.is_open:
        obligations.meet(review.obligation, by=by, evidence=evidence, at=now)
    return review


# --- the annual external assessment -------------------------------------------------------------------


def validate_report(uploaded, field="report"):
    if not uploaded:
        return
    limit = settings.AUDITS_REPORT_MAX_MB * 1024 * 1024
    if Path(uploaded.name).suffix.lower() != ".pdf":
        raise ValidationError({field: "测评报告须为 PDF 文件。"})
    if uploaded.size > limit:
        raise ValidationError(
            {
                field: f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），上限 {settings.AUDITS_REPORT_MAX_MB} MB。"
            }
        )
    if uploaded.size == 0:
        raise ValidationError({field: "文件为空。"})
    try:
        check_upload(uploaded, {".pdf"})
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@transaction.atomic
def save_external_assessment(assessment, *, by, uploaded=None):
    """Record (or correct) an external assessment. A new one meets its year's obligation."""
    errors = {}
    if assessment.assessed_on and assessment.assessed_on > timezone.localdate():
        errors["assessed_on"] = "测评日期不能晚于今天。"
    if not (assessment.conclusion or "").strip():
        errors["conclusion"] = "请填写测评结论。"
    if errors:
        raise ValidationError(errors)
    validate_report(uploaded)
    creating = assessment.pk is None
    if uploaded:
        assessment.report = uploaded
        assessment.report_name = Path(uploaded.name).name[:200]
    if creating:
        assessment.recorded_by = by
    assessment.save()
    if creating:
        year = assessment.assessed_on.year
        obligation = ensure_external_obligation(year)
        if obligation is not None and obligation.is_open:
            at = min(end_of_day(assessment.assessed_on), timezone.now())
            obligations.meet(
                obligation,
                by=by,
                evidence=f"{assessment.assessed_on:%Y-%m-%d} {assessment.assessor}完成{assessment.get_kind_display()}",
                at=at,
            )
            assessment.obligation = obligation
            assessment.save(update_fields=["obligation"])
    return assessment


@transaction.atomic
def add_improvement(assessment, *, title, severity, department, owner, due_at, by, measures=""):
    """An item of the improvement plan (改进措施) of an external assessment: an obligation of its owner."""
    _require_change(by, assessment, "只有安全员可以登记改进计划。")
    _validate_finding(title, severity, department, owner, due_at)
    finding = Finding.objects.create(
        assessment=assessment,
        title=title.strip(),
        measures=(measures or "").strip(),
        severity=severity,
        department=department,
        owner=owner,
        due_at=due_at,
        created_by=by,
    )
    finding.obligation = _create_finding_obligation(finding, kind=IMPROVEMENT_KIND, clause=EXTERNAL_CLAUSE)
    finding._change_reason = "登记改进计划项"
    finding.save(update_fields=["obligation"])
    grant("view", owner, assessment)
    return finding


# --- information-system projects ----------------------------------------------------------------------

TRANSITIONS = {
    Project.State.PRE_APPROVAL: (Project.State.APPROVED,),
    Project.State.APPROVED: (Project.State.BUILDING,),
    Project.State.BUILDING: (Project.State.GOLIVE_REVIEW,),
    Project.State.GOLIVE_REVIEW: (Project.State.LIVE, Project.State.BUILDING),
}


def project_obligation(project, kind):
    return (
        Obligation.objects.filter(
            subject_type=ContentType.objects.get_for_model(Project), subject_id=project.pk, kind=kind
        )
        .order_by("-pk")
        .first()
    )


def gate_due_at():
    return end_of_day(timezone.localdate() + datetime.timedelta(days=settings.AUDITS_GATE_DAYS))


@transaction.atomic
def register_project(project, *, by):
    """A new project starts at 立项前评估 and owes a risk estimate before it can be approved."""
    project.state = Project.State.PRE_APPROVAL
    project.created_by = by
    project.save()
    obligations.create_obligation(
        title=f"立项前风险预估：{project.name}",
        kind=ESTIMATE_KIND,
        clause=ESTIMATE_CLAUSE,
        due_at=gate_due_at(),
        department=project.department,
        subject=project,
        assignee=project.owner,
        notify_roles=("security_officer",),
    )
    return project


@transaction.atomic
def record_estimate(project, estimate, *, by):
    _require_change(by, project)
    if project.state != Project.State.PRE_APPROVAL:
        raise ValidationError("项目已立项，无需再做立项前风险预估。")
    errors = {}
    if estimate.assessed_on and estimate.assessed_on > timezone.localdate():
        errors["assessed_on"] = "评估日期不能晚于今天。"
    for name, label in (
        ("risks_identified", "识别的风险"),
        ("conclusion", "评估结论"),
        ("assessor", "评估人/单位"),
    ):
        if not (getattr(estimate, name) or "").strip():
            errors[name] = f"请填写{label}。"
    if errors:
        raise ValidationError(errors)
    estimate.project = project
    estimate.recorded_by = by
    estimate.save()
    obligation = project_obligation(project, ESTIMATE_KIND)
    if obligation is not None and obligation.is_open:
        verdict = "风险可控，可以立项" if estimate.acceptable else "风险过大，不予立项"
        obligations.meet(
            obligation,
            by=by,
            evidence=f"{estimate.assessed_on:%Y-%m-%d} {estimate.assessor}完成风险预估：{verdict}",
        )
    return estimate


@transaction.atomic
def record_golive_assessment(project, assessment, *, by, uploaded=None):
    _require_change(by, project)
    if project.state != Project.State.GOLIVE_REVIEW:
        raise ValidationError("项目进入“上线前评估”阶段后才能登记上线前风险评估。")
    errors = {}
    if assessment.assessed_on and assessment.assessed_on > timezone.localdate():
        errors["assessed_on"] = "评估日期不能晚于今天。"
    if not (assessment.conclusion or "").strip():
        errors["conclusion"] = "请填写评估结论。"
    if errors:
        raise ValidationError(errors)
    validate_report(uploaded)
    if uploaded:
        assessment.report = uploaded
        assessment.report_name = Path(uploaded.name).name[:200]
    assessment.project = project
    assessment.recorded_by = by
    assessment.save()
    obligation = project_obligation(project, GOLIVE_KIND)
    if assessment.passed and obligation is not None and obligation.is_open:
        obligations.meet(
            obligation, by=by, evidence=f"{assessment.assessed_on:%Y-%m-%d} {assessment.assessor}评估通过"
        )
    return assessment


def open_high_risks(project, today=None):
    """The project's open 重大/较大 risks that are not formally accepted (an expired acceptance
    counts as none)."""
    today = today or timezone.localdate()
    risks = Risk.objects.filter(project=project, status=Risk.Status.OPEN).filter(
        risk_levels.level_q(*risk_levels.HIGH_LEVELS)
    )
    return [risk for risk in risks.order_by("-score", "pk") if not risk.acceptance_valid(today)]


def golive_blockers(project):
    """Why go-live is refused, in Chinese, one line each (empty when it may go live)."""
    reasons = []
    latest = project.golive_assessments.order_by("-assessed_on", "-pk").first()
    if latest is None:
        reasons.append("尚未进行上线前风险评估。")
    elif not latest.passed:
        reasons.append(f"最近一次上线前风险评估（{latest.assessed_on:%Y-%m-%d}）未通过。")
    for risk in open_high_risks(project):
        if risk.accepted_by_id and not risk.acceptance_valid():
            why = f"风险接受已于 {risk.acceptance_expires:%Y-%m-%d} 过期"
        else:
            why = "未消除且未经正式接受"
        reasons.append(f"{risk.get_level_display()}风险“{risk.title}”（风险值 {risk.score}）{why}。")
    return reasons


@transaction.atomic
def transition_project(project, to_state, *, by):
    _require_change(by, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    to_state = Project.State(to_state)
    if to_state not in TRANSITIONS.get(project.state, ()):
        raise ValidationError(f"项目当前为“{project.get_state_display()}”，不能变更为“{to_state.label}”。")
    now = timezone.now()
    if to_state == Project.State.APPROVED:
        latest = project.estimates.order_by("-assessed_on", "-pk").first()
        if latest is None:
            raise ValidationError("立项前须完成风险预估（制度第四章第1条），请先登记立项前风险预估。")
        if not latest.acceptable:
            raise ValidationError("最近一次立项前风险预估认为潜在信息安全风险过大，不允许立项。")
        project.approved_at = now
    if to_state == Project.State.LIVE:
        blockers = golive_blockers(project)
        if blockers:
            raise ValidationError("不能上线（制度第四章第2条）：" + "".join(blockers))
        project.live_at = now
    old = project.get_state_display()
    project.state = to_state
    project._change_reason = f"{old} → {to_state.label}"
    project.save()
    if to_state == Project.State.GOLIVE_REVIEW:
        existing = project_obligation(project, GOLIVE_KIND)
        if existing is None or not existing.is_open:
            obligations.create_obligation(
                title=f"上线前风险评估：{project.name}",
                kind=GOLIVE_KIND,
                clause=GOLIVE_CLAUSE,
                due_at=gate_due_at(),
                department=project.department,
                subject=project,
                assignee=project.owner,
                notify_roles=("security_officer",),
            )
    return project


# --- the risk register --------------------------------------------------------------------------------


def can_accept(user, risk):
    """Who may formally accept a risk: leadership or a security officer, never its owner."""
    if not user.is_authenticated or user.pk == risk.owner_id:
        return False
    return user.has_perm("audits.accept_risk") or user.groups.filter(name=LEADERSHIP.name).exists()


def _sync_review_obligation(risk):
    """Keep the risk's next-review obligation in line with ``next_review``."""
    current = risk.review_obligation
    if risk.status == Risk.Status.CLOSED or risk.next_review is None:
        return
    due = end_of_day(risk.next_review)
    if current is not None and current.is_open:
        if current.due_at != due:
            obligations.reschedule(current, due_at=due, reason="下次复核日期调整")
        return
    risk.review_obligation = obligations.create_obligation(
        title=f"风险复核：{risk.title}",
        kind=RISK_REVIEW_KIND,
        clause=RISK_REVIEW_CLAUSE,
        due_at=due,
        department=risk.department,
        subject=risk,
        assignee=risk.owner,
        notify_roles=(),
        escalate_roles=("security_officer",),
    )
    risk.save(update_fields=["review_obligation"])


@transaction.atomic
def save_risk(risk, *, by):
    errors = {}
    if risk.next_review and risk.next_review < timezone.localdate() and risk.pk is None:
        errors["next_review"] = "下次复核日期不能早于今天。"
    if (
        risk.project_id
        and risk.project.department_id != risk.department_id
        and not by.has_perm("audits.change_risk")
    ):
        errors["project"] = "只能关联本部门的项目。"
    if errors:
        raise ValidationError(errors)
    risk.save()
    _sync_review_obligation(risk)
    return risk


@transaction.atomic
def accept_risk(risk, *, by, expires, note):
    """Formal acceptance by leadership or an officer (not the owner), valid until ``expires``."""
    if not can(by, "view", risk):
        raise PermissionDenied
    if not can_accept(by, risk):
        raise PermissionDenied("风险接受须由局领导或安全员审批，且不能由风险责任人本人审批。")
    errors = {}
    if risk.status != Risk.Status.OPEN:
        errors["__all__"] = "风险已关闭。"
    if expires is None:
        errors["expires"] = "请填写接受有效期。"
    elif expires < timezone.localdate():
        errors["expires"] = "接受有效期不能早于今天。"
    if not (note or "").strip():
        errors["note"] = "请填写接受理由。"
    if errors:
        raise ValidationError(errors)
    risk.accepted_by = by
    risk.accepted_at = timezone.now()
    risk.acceptance_expires = expires
    risk.acceptance_note = note.strip()
    risk.treatment = Risk.Treatment.ACCEPT
    risk._change_reason = f"风险接受（有效期至 {expires:%Y-%m-%d}）"
    risk.save()
    return risk


@transaction.atomic
def review_risk(risk, *, by, note, next_review):
    """A periodic review done: meets the open review obligation and sets the next date."""
    _require_change(by, risk)
    if not (note or "").strip():
        raise ValidationError({"note": "请填写复核情况。"})
    if next_review is None or next_review <= timezone.localdate():
        raise ValidationError({"next_review": "下次复核日期应晚于今天。"})
    if risk.review_obligation_id and risk.review_obligation.is_open:
        obligations.meet(risk.review_obligation, by=by, evidence=note.strip())
    risk.next_review = next_review
    risk.review_obligation = None
    risk._change_reason = f"复核：{note.strip()[:80]}"
    risk.save()
    _sync_review_obligation(risk)
    return risk


@transaction.atomic
def close_risk(risk, *, by, reason):
    _require_change(by, risk)
    if risk.status == Risk.Status.CLOSED:
        raise ValidationError("风险已关闭。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明关闭原因（如风险已消除）。"})
    risk.status = Risk.Status.CLOSED
    risk.closed_at = timezone.now()
    risk._change_reason = f"关闭：{reason.strip()}"
    risk.save()
    if risk.review_obligation_id and risk.review_obligation.is_open:
        obligations.waive(risk.review_obligation, by=by, reason=f"风险已关闭：{reason.strip()}")
    return risk


def heat_map(queryset):
    """5×5 counts by (likelihood, severity), one aggregate query; rows from likelihood 5 to 1."""
    from django.db.models import Count

    counts = {
        (row["likelihood"], row["severity"]): row["n"]
        for row in queryset.order_by().values("likelihood", "severity").annotate(n=Count("pk"))
    }
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for severity in range(1, 6):
            level = risk_levels.level_for(likelihood * severity)
            cells.append(
                {
                    "likelihood": likelihood,
                    "severity": severity,
                    "score": likelihood * severity,
                    "level": level,
                    "label": risk_levels.LEVEL_LABELS[level],
                    "colour": risk_levels.LEVEL_HEX[level],
                    "text": risk_levels.LEVEL_TEXT[level],
                    "count": counts.get((likelihood, severity), 0),
                }
            )
        rows.append({"likelihood": likelihood, "cells": cells})
    return rows
