"""Archive secrecy grading (档案保密定级): the business rules.

- 定级: a series has a grade, its basis, who graded it and when; 机密/绝密 need the superior's
  approval (民政档案保密管理制度 第十二条).
- 复评: the grade is re-evaluated every ``review_period_years`` (第十条 定期评估; 保密法 每年审核);
  the next date is an obligation ``secrecy.archive_regrading``, created/renewed when graded or
  re-graded, and by the beat task for any series missing one.
- 重新定级: keeps the previous grade in ``ArchiveGradeChange`` with the reason.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation

from .models import GRADES_NEEDING_APPROVAL, ArchiveGradeChange, ArchiveSeries

REGRADING_KIND = "secrecy.archive_regrading"
REGRADING_CLAUSE = "民政档案保密管理制度 第十条（定期评估和确认保密等级）"


def end_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def add_years(day, years):
    year = day.year + years
    return datetime.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def check_grading(series):
    errors = {}
    if series.graded_on and series.graded_on > timezone.localdate():
        errors["graded_on"] = "定级日期不能晚于今天。"
    if series.grade in GRADES_NEEDING_APPROVAL and not (series.superior_approval or "").strip():
        errors["superior_approval"] = "机密、绝密档案的定级须报上级主管部门批准，请填写批准文号（第十二条）。"
    if not (series.basis or "").strip():
        errors["basis"] = "请填写定级依据。"
    if errors:
        raise ValidationError(errors)


def _open_regrading(series):
    series.next_review_on = add_years(series.graded_on, series.review_period_years)
    series.regrading_obligation = obligations.create_obligation(
        title=f"复评档案保密等级：{series.code} {series.name}",
        kind=REGRADING_KIND,
        clause=REGRADING_CLAUSE,
        due_at=end_of_day(series.next_review_on),
        department=series.department,
        subject=series,
        notify_roles=("secrecy_office",),
        escalate_roles=("leadership",),
    )


@transaction.atomic
def save_series(series):
    """Grade a new series, or correct one (its grade changes only by re-grading)."""
    creating = series.pk is None
    if not creating:
        stored = ArchiveSeries.objects.select_for_update().get(pk=series.pk)
        if (stored.grade, stored.graded_on) != (series.grade, series.graded_on):
            raise ValidationError({"grade": "保密等级和定级日期须通过“重新定级”调整，以保留原等级和理由。"})
    check_grading(series)
    if creating:
        series.save()
        _open_regrading(series)
        series._change_reason = "档案保密定级"
        series.save()
        return series
    next_review_on = add_years(series.graded_on, series.review_period_years)
    obligation = series.regrading_obligation
    if next_review_on != series.next_review_on and obligation is not None and obligation.is_open:
        series.next_review_on = next_review_on
        obligations.reschedule(obligation, due_at=end_of_day(next_review_on), reason="复评周期调整")
    series._change_reason = "修改"
    series.save()
    return series


@transaction.atomic
def regrade(series, *, grade, basis, reason, graded_on, by, superior_approval=""):
    """Re-evaluate (and possibly change) the grade: the previous one is kept with the reason, the
    due re-evaluation is met and the next one opened."""
    series = ArchiveSeries.objects.select_for_update().get(pk=series.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写复评或调整的理由。"})
    if graded_on < series.graded_on:
        raise ValidationError({"graded_on": f"复评日期不能早于上次定级日期 {series.graded_on:%Y-%m-%d}。"})
    previous = series.grade
    series.grade, series.basis, series.graded_on, series.graded_by = grade, basis, graded_on, by
    series.superior_approval = superior_approval or (series.superior_approval if grade == previous else "")
    check_grading(series)
    change = ArchiveGradeChange(
        series=series,
        previous_grade=previous,
        new_grade=grade,
        reason=reason.strip(),
        graded_on=graded_on,
        graded_by=by,
    )
    change._change_reason = "重新定级"
    change.save()
    old = series.regrading_obligation
    if old is not None and old.is_open:
        obligations.meet(
            old,
            by=by,
            evidence=f"{graded_on:%Y-%m-%d} 复评：{change.get_previous_grade_display()}→{change.get_new_grade_display()}，{reason.strip()}",
            at=min(end_of_day(graded_on), timezone.now()),
        )
    _open_regrading(series)
    label = "维持" if grade == previous else "调整为"
    series._change_reason = f"重新定级：{label}{series.get_grade_display()}（{reason.strip()[:100]}）"
    series.save()
    return series


def ensure_regrading_obligations():
    """The beat task: every series without an open re-evaluation obligation gets one (idempotent:
    each row is locked and checked again)."""
    candidates = ArchiveSeries.objects.exclude(regrading_obligation__state=Obligation.State.OPEN)
    created = []
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            series = ArchiveSeries.objects.select_for_update().get(pk=pk)
            if series.regrading_obligation is not None and series.regrading_obligation.is_open:
                continue
            _open_regrading(series)
            series._change_reason = "补建复评义务"
            series.save(update_fields=["next_review_on", "regrading_obligation"])
            created.append(series)
    return created
