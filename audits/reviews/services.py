"""The quarterly internal review (4 §3): its checklist, findings, circulation and sign-off. The
hourly beat's ``ensure_quarterly_review`` also ensures the year's external-assessment obligation and
account review. Each change runs in one transaction; refusals are ``ValidationError`` (with a field
name where there is one) or ``PermissionDenied``."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from szmz_security.compliance.evidence import Status
from szmz_security.compliance.models import Framework
from szmz_security.compliance.services import evaluate, evaluation_instant
from szmz_security.jobs import services as jobs
from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation
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
        kind=QuarterlyReview.Kind.QUARTERLY, year=year, quarter=quarter, defaults={"department": department}
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
    """A signed-off review or self-inspection is read-only."""
    if review.signed_off:
        raise ValidationError(
            f"{review}已于 {timezone.localtime(review.signed_off_at):%Y-%m-%d %H:%M} 签发，不能再修改。"
        )


@transaction.atomic
def assess_item(item, *, result, note="", by, rectification="", owner=None, due_at=None):
    review = item.review
    require_change(by, review, "只有安全员可以填写季度评估。")
    _require_open(review)
    allowed = SELF_INSPECTION_RESULTS if review.is_self_inspection else ReviewItem.Result.values
    if result not in allowed:
        raise ValidationError({"result": "请选择评估结果。"})
    note = (note or "").strip()
    if result in ReviewItem.NOTE_REQUIRED and not note:
        raise ValidationError({"note": f"评估结果为“{ReviewItem.Result(result).label}”时须填写证据说明。"})
    noncompliant = review.is_self_inspection and result == ReviewItem.Result.NONCOMPLIANT
    if noncompliant and not (rectification or "").strip():
        raise ValidationError({"rectification": "自查结果为“不符合”时须填写整改措施。"})
    item.result = result
    item.note = note
    item.assessed_by = by
    item.assessed_at = timezone.now()
    item._change_reason = f"评估为{ReviewItem.Result(result).label}"
    item.save()
    if review.is_self_inspection and result == ReviewItem.Result.NONCOMPLIANT and not item.findings.exists():
        # 不符合: a finding with its rectification obligation, the way the quarterly review's are.
        add_finding(
            review,
            title=f"自查不符合：{item.clause.display_code} {item.clause.title}"[:300],
            measures=rectification.strip(),
            severity="medium",
            department=review.department,
            owner=owner or by,
            due_at=due_at or end_of_day(timezone.localdate() + datetime.timedelta(days=30)),
            by=by,
            item=item,
        )
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
    if review.is_self_inspection and not can_sign_self_inspection(by):
        raise PermissionDenied("只有安全员可以签发年度自查。")
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
    if review.is_self_inspection:
        # The inspection PDF, built by the worker (progress on the page).
        jobs.start(SELF_INSPECTION_PDF_JOB, review, by=by, total=100)
    return review


def may_create_review(user):
    """Officers open (and so create) this quarter's review."""
    return user.has_perm("audits.add_quarterlyreview")


# --- the yearly self-inspection (年度自查, 信息安全管理制度检查内容) -----------------------------------
# The same record as the quarterly review (kind = self_inspection): items per clause pre-filled from
# the compliance evaluation, answered (accepting the evidence, or attested), findings for 不符合,
# sign-off meeting the year's obligation, and a PDF built by the jobs mechanism.

SELF_INSPECTION_FRAMEWORK = "self-inspection"
SELF_INSPECTION_KIND = "audits.self_inspection"
SELF_INSPECTION_CLAUSE = "信息安全管理制度检查内容"
SELF_INSPECTION_PDF_JOB = "audits.self_inspection_pdf"
# The bureau's own regulations (市民政局 / 民政 documents), optionally inspected as well.
BUREAU_FRAMEWORK_PREFIXES = ("szmz-", "mz-")
SELF_INSPECTION_RESULTS = (
    ReviewItem.Result.COMPLIANT,
    ReviewItem.Result.NONCOMPLIANT,
    ReviewItem.Result.NOT_APPLICABLE,
)
# What the evaluation's status means when the officer accepts the evidence.
ACCEPTED_RESULT = {
    Status.MET: ReviewItem.Result.COMPLIANT,
    Status.NOT_APPLICABLE: ReviewItem.Result.NOT_APPLICABLE,
}


def self_inspection_due_at(year):
    """The year's self-inspection is due on AUDITS_SELF_INSPECTION_DUE (MM-DD, default 12-15)."""
    month, day = (int(part) for part in settings.AUDITS_SELF_INSPECTION_DUE.split("-"))
    return end_of_day(datetime.date(year, month, day))


def can_sign_self_inspection(user):
    return user.has_perm("audits.add_quarterlyreview")


may_open_self_inspection = can_sign_self_inspection


def ensure_self_inspection_obligation(year=None, department=None):
    """The year's self-inspection obligation, created once (beat, hourly); met by the sign-off."""
    year = year or timezone.localdate().year
    department = department or review_department()
    if department is None:
        return None
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    existing = Obligation.objects.filter(
        kind=SELF_INSPECTION_KIND, due_at__gte=start, due_at__lt=start.replace(year=year + 1)
    ).first()
    if existing:
        return existing
    return obligations.create_obligation(
        title=f"完成{year}年度信息安全自查",
        kind=SELF_INSPECTION_KIND,
        clause=SELF_INSPECTION_CLAUSE,
        due_at=self_inspection_due_at(year),
        department=department,
        notify_roles=("security_officer",),
        escalate_roles=("leadership",),
    )


def self_inspection_frameworks(include_bureau=False):
    codes = [SELF_INSPECTION_FRAMEWORK]
    if include_bureau:
        bureau = Framework.objects.filter(active=True).order_by("sort_order", "code")
        codes += [f.code for f in bureau if f.code.startswith(BUREAU_FRAMEWORK_PREFIXES)]
    return codes


@transaction.atomic
def open_self_inspection(*, by, include_bureau=False, today=None):
    """Open the year's self-inspection (an officer; once a year — opening again returns the existing
    one). Its items: every clause of 信息安全管理制度检查内容 (and, on request, of the bureau's own
    regulations), pre-filled from the compliance evaluation at this instant."""
    if not may_open_self_inspection(by):
        raise PermissionDenied("只有安全员可以开展年度自查。")
    today = today or timezone.localdate()
    department = review_department()
    if department is None:
        raise ValidationError("未找到负责自查的部门（AUDITS_REVIEW_DEPARTMENT）。")
    inspection, created = QuarterlyReview.objects.select_for_update().get_or_create(
        kind=QuarterlyReview.Kind.SELF_INSPECTION, year=today.year, defaults={"department": department}
    )
    if not created:
        return inspection, False
    codes = self_inspection_frameworks(include_bureau)
    inspection.frameworks = ",".join(codes)
    inspection.obligation = ensure_self_inspection_obligation(today.year, department=department)
    inspection._change_reason = "开展年度自查"
    inspection.save()
    generate_self_inspection_items(inspection, codes)
    return inspection, True


def generate_self_inspection_items(inspection, codes, as_of=None):
    """One item per clause of the given frameworks, with the evaluation's status and evidence (the
    summary and the records it rests on, as the dashboard shows them)."""
    as_of = as_of or timezone.now()
    items = []
    order = 0
    for code in codes:
        evaluation = evaluate(code, as_of=as_of, with_refs=True, ref_limit=5)
        for status in evaluation.clauses:
            refs = "；".join(ref.title for ref in status.refs)
            hint = status.reason + (f"（证据：{refs}）" if refs else "")
            items.append(
                ReviewItem(
                    review=inspection,
                    clause=status.clause,
                    sort_order=order,
                    hint_status=str(status.status),
                    hint=hint,
                )
            )
            order += 1
    bulk_create_with_history(items, ReviewItem)
    return items


def accept_evidence(item, *, by, note=""):
    """The officer accepts what the evidence shows: 符合 when met, 不适用 when not applicable; any
    other status must be attested (符合/不符合/不适用 with a note)."""
    try:
        result = ACCEPTED_RESULT[Status(item.hint_status)]
    except (KeyError, ValueError):
        raise ValidationError(
            {"result": "系统证据未显示该条款已落实，不能直接采纳，请人工确认（符合/不符合/不适用并说明）。"}
        ) from None
    return assess_item(item, result=result, note=note or f"采纳系统证据：{item.hint}", by=by)
