"""The annual external assessment (4 §4): its year's obligation, the record and its report, and
the improvement plan (改进计划项, each an obligation of its owner)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import grant

from ..common import (
    create_finding,
    end_of_day,
    require_change,
    review_department,
    validate_finding,
    validate_report,
)

EXTERNAL_KIND = "audits.external_assessment"
EXTERNAL_CLAUSE = "市民政局制度 第四章第4条"
IMPROVEMENT_KIND = "audits.improvement"


def external_due_at(year):
    """The year's external assessment is due on AUDITS_EXTERNAL_DUE (MM-DD, default 12-31)."""
    month, day = (int(part) for part in settings.AUDITS_EXTERNAL_DUE.split("-"))
    return end_of_day(datetime.date(year, month, day))


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


@transaction.atomic
def save_external_assessment(assessment, *, by, uploaded=None, assets=None):
    """Record (or correct) an external assessment (``assets``: the systems assessed, from the
    asset register). A new one meets its year's obligation."""
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
    assessment._change_reason = "登记外部测评" if creating else "修改外部测评"
    assessment.save()
    if assets is not None:
        assessment.assets.set(assets)
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
    require_change(by, assessment, "只有安全员可以登记改进计划。")
    validate_finding(title, severity, department, owner, due_at)
    finding = create_finding(
        kind=IMPROVEMENT_KIND,
        clause=EXTERNAL_CLAUSE,
        reason="登记改进计划项",
        assessment=assessment,
        title=title,
        measures=measures,
        severity=severity,
        department=department,
        owner=owner,
        due_at=due_at,
        created_by=by,
    )
    grant("view", owner, assessment)
    return finding
