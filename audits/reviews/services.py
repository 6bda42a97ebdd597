"""The quarterly internal review (4 §3): its checklist, findings, circulation and sign-off. The
hourly beat's ``ensure_quarterly_review`` also ensures the year's external-assessment obligation and
account review. Each change runs in one transaction; refusals are ``ValidationError`` (with a field
name where there is one) or ``PermissionDenied``."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from szmz_security.compliance.evidence import Status
from szmz_security.compliance.services import evaluate, evaluation_instant
from szmz_security.obligations import services as obligations
from szmz_security.org.access import grant, share_with_department
from szmz_security.org.models import display_name

from ..assessments.services import ensure_external_obligation
from ..common import create_finding, end_of_day, require_change, review_department, validate_finding
from ..governance.services import ensure_yearly_account_review
from .models import Circulation, QuarterlyReview, ReviewItem

FRAMEWORK_CODE = "szmz-2008"
REVIEW_KIND = "audits.quarterly_review"
REVIEW_CLAUSE = "市民政局制度 第四章第3条"
FINDING_KIND = "audits.finding"


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year, quarter):
    """(first day, first day of the next quarter) of a quarter."""
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def review_due_at(year, quarter):
    """A quarter's review is due by the end of that quarter (its last day, 23:59 local time): the
    regulation asks for one assessment per quarter, and the quarter is the period it covers."""
    _, end = quarter_bounds(year, quarter)
    return end_of_day(end - datetime.timedelta(days=1))


@transaction.atomic
def ensure_quarterly_review(today=None):
    """The current quarter's review, its checklist and its obligation, created once (idempotent;
    the beat runs it hourly). Also ensures this year's external-assessment obligation."""
    today = today or timezone.localdate()
    department = review_department()
    if department is None:
        return None
    ensure_external_obligation(today.year, department=department)
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


def generate_checklist(review, as_of=None):
    """One item per clause of the bureau's framework that applies (not N/A), each pre-filled with
    what the compliance service says about it as a hint for the assessor."""
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
    bulk_create_with_history(items, ReviewItem)
    return items


def _require_open(review):
    if review.signed_off:
        raise ValidationError(
            f"{review}已于 {timezone.localtime(review.signed_off_at):%Y-%m-%d %H:%M} 签发，不能再修改。"
        )


@transaction.atomic
def assess_item(item, *, result, note="", by):
    review = item.review
    require_change(by, review, "只有安全员可以填写季度评估。")
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


@transaction.atomic
def add_finding(review, *, title, severity, department, owner, due_at, by, measures="", item=None):
    """A finding of the quarterly review: its remediation date is an Obligation of its owner, who
    may open the review it came from."""
    require_change(by, review, "只有安全员可以登记评估发现。")
    _require_open(review)
    validate_finding(title, severity, department, owner, due_at)
    if item is not None and item.review_id != review.pk:
        raise ValidationError({"item": "该评估项不属于本次评估。"})
    finding = create_finding(
        kind=FINDING_KIND,
        clause=REVIEW_CLAUSE,
        reason="登记评估发现",
        review=review,
        item=item,
        title=title,
        measures=measures,
        severity=severity,
        department=department,
        owner=owner,
        due_at=due_at,
        created_by=by,
    )
    grant("view", owner, review)
    return finding


@transaction.atomic
def circulate(review, departments, *, by):
    """通报: the review's results to the chosen departments. Each member gets an in-app
    notification (once per review) and a Circulation row that records when they read it; the
    department may open the review (guardian view grant). Returns the number of new recipients."""
    require_change(by, review, "只有安全员可以通报评估结果。")
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
    require_change(by, review, "只有安全员可以签发季度评估。")
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


def may_create_review(user):
    """Officers open (and so create) this quarter's review."""
    return user.has_perm("audits.add_quarterlyreview")
