"""The public message board (regulation 10 §2): every message filtered before display, the
officers' review of what waits; and the monthly report of held harmful content (10 §4) with its
obligation (the document itself: ``report``)."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import create_obligation, meet
from szmz_security.org.models import Department

from ..wordfilter.scan import blocking_hits, review_hits, scan
from .models import BoardMessage, HarmfulContentReport
from .report import (
    REPORT_CLAUSE,
    ReportData,
    month_bounds,
    month_start,
    previous_month,
    report_csv,
    report_due_at,
    report_pdf,
)

# The name it always logged under.
logger = logging.getLogger("publishing.services")

REPORT_KIND = "publishing.harmful_content_report"

# --- the public message board --------------------------------------------------------------------


def rate_limited(ip_address):
    """At most PUBLISHING_BOARD_RATE messages per address per minute (counted in the cache)."""
    limit = getattr(settings, "PUBLISHING_BOARD_RATE", 3)
    key = f"publishing:board:{ip_address or 'unknown'}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)
        count = 1
    return count > limit


def submit_message(*, name, contact, text, ip_address=None):
    """Filter a message before display: blocking → held (never shown), review → waits for an
    information officer, clean → shown. The rate limit is the public board's (per client address);
    messages entered without one (demo data, imports) are not counted."""
    if ip_address is not None and rate_limited(ip_address):
        raise ValidationError("您提交得太频繁了，请一分钟后再试。")
    # The name is shown publicly too: it is filtered as well (its hits carry field "name").
    hits = scan(text) + scan(name, "name")
    if blocking_hits(hits):
        status = BoardMessage.Status.HELD
    elif review_hits(hits):
        status = BoardMessage.Status.REVIEW
    else:
        status = BoardMessage.Status.SHOWN
    message = BoardMessage(
        name=name.strip(),
        contact=contact.strip(),
        text=text,
        ip_address=ip_address,
        status=status,
        filter_hits=hits,
    )
    message._change_reason = f"公众留言：{message.get_status_display()}"
    message.save()
    return message


def can_review(user):
    """Information officers review the messages the filter held for a person to look at."""
    return user.has_perm("publishing.change_boardmessage")


def can_generate_report(user):
    return user.has_perm("publishing.add_harmfulcontentreport")


def review_message(message, *, by, show):
    """An information officer's decision on a message waiting for review (recorded in history)."""
    if not can_review(by):
        raise PermissionDenied("只有信息员可以审核留言。")
    updated = BoardMessage.objects.filter(pk=message.pk, status=BoardMessage.Status.REVIEW).update(
        status=BoardMessage.Status.SHOWN if show else BoardMessage.Status.HELD
    )
    if updated != 1:
        raise ValidationError("该留言不在待审核状态（可能已被他人处理）。")
    message.refresh_from_db()
    message.reviewed_by = by
    message.reviewed_at = timezone.now()
    message._change_reason = "审核通过，予以显示" if show else "审核不通过，予以拦截"
    message._history_user = by
    message.save()
    return message


# --- the monthly report of held harmful content (10 §4) ------------------------------------------


def report_department():
    code = getattr(settings, "PUBLISHING_REPORT_DEPARTMENT", "XXZX")
    return Department.objects.filter(code=code).first()


@transaction.atomic
def ensure_report_obligation(month=None):
    """The report for ``month`` (default: last month) and its obligation, created once."""
    month = month_start(month) if month else previous_month(timezone.localdate())
    department = report_department()
    if department is None:
        logger.warning(
            "publishing: department %r not found, no harmful-content report obligation for %s",
            getattr(settings, "PUBLISHING_REPORT_DEPARTMENT", "XXZX"),
            f"{month:%Y-%m}",
        )
        return None
    report, _ = HarmfulContentReport.objects.select_for_update().get_or_create(month=month)
    if report.obligation_id is None:
        report.obligation = create_obligation(
            title=f"报送{month:%Y年%m月}有害信息月报",
            kind=REPORT_KIND,
            clause=REPORT_CLAUSE,
            authority="公安机关",
            due_at=report_due_at(month),
            department=department,
            subject=report,
            notify_roles=("information_officer",),
        )
        report._change_reason = "创建月报义务"
        report.save()
    return report


def held_messages(month):
    start, end = month_bounds(month)
    return BoardMessage.objects.filter(
        status=BoardMessage.Status.HELD, submitted_at__gte=start, submitted_at__lt=end
    ).order_by("submitted_at", "pk")


def generate_report(month, *, by):
    """Build the month's PDF and CSV, store them on the report and meet its obligation (met late
    after the 10th of the following month)."""
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValidationError({"month": "只能生成已结束月份的报告。"})
    with transaction.atomic():
        report = ensure_report_obligation(month)
        if report is None:
            report, _ = HarmfulContentReport.objects.get_or_create(month=month)
        report = HarmfulContentReport.objects.select_for_update().get(pk=report.pk)
        now = timezone.now()
        data = ReportData(month=month, messages=list(held_messages(month)), generated_at=now, by=by)
        stamp = f"{month:%Y-%m}"
        report.pdf.save(f"harmful-content-{stamp}.pdf", ContentFile(report_pdf(data)), save=False)
        report.csv.save(f"harmful-content-{stamp}.csv", ContentFile(report_csv(data)), save=False)
        report.message_count = len(data.messages)
        report.generated_at = now
        report.generated_by = by
        report._change_reason = "生成报告"
        report._history_user = by
        report.save()
        obligation = report.obligation
        if obligation is not None and obligation.state == Obligation.State.OPEN:
            meet(
                obligation,
                by=by,
                evidence=f"已生成{month:%Y年%m月}有害信息报告（拦截留言 {len(data.messages)} 条），PDF 与 CSV 已存档。",
                at=now,
            )
    return report
