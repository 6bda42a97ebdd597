"""Information-system projects (4 §1–2): the gates before 立项 (a risk estimate that allows it)
and before go-live (a passed assessment, no open 重大/较大 risk that is not formally accepted)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation

from .. import risk_levels
from ..common import end_of_day, require_change, validate_report
from ..risks.models import Risk
from .models import Project

ESTIMATE_KIND = "audits.project_risk_estimate"
ESTIMATE_CLAUSE = "市民政局制度 第四章第1条"
GOLIVE_KIND = "audits.golive_assessment"
GOLIVE_CLAUSE = "市民政局制度 第四章第2条"

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


def project_obligations(project):
    """Every deadline the project owes or owed (its gates), oldest first."""
    return Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Project), subject_id=project.pk
    ).order_by("created_at")


@transaction.atomic
def update_project(project):
    project._change_reason = "修改项目信息"
    project.save()
    return project


def gate_due_at():
    return end_of_day(timezone.localdate() + datetime.timedelta(days=settings.AUDITS_GATE_DAYS))


def open_gate(project, title, kind, clause):
    """A gate the project must pass: its owner owes the assessment, the officers are told."""
    obligations.create_obligation(
        title=f"{title}：{project.name}",
        kind=kind,
        clause=clause,
        due_at=gate_due_at(),
        department=project.department,
        subject=project,
        assignee=project.owner,
        notify_roles=("security_officer",),
    )


@transaction.atomic
def register_project(project, *, by):
    """A new project starts at 立项前评估 and owes a risk estimate before it can be approved."""
    project.state = Project.State.PRE_APPROVAL
    project.created_by = by
    project._change_reason = "登记项目"
    project.save()
    open_gate(project, "立项前风险预估", ESTIMATE_KIND, ESTIMATE_CLAUSE)
    return project


@transaction.atomic
def record_estimate(project, estimate, *, by):
    require_change(by, project)
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
    require_change(by, project)
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
    require_change(by, project)
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
            open_gate(project, "上线前风险评估", GOLIVE_KIND, GOLIVE_CLAUSE)
    return project
