"""Building an inspection PDF in the background (DESIGN.md §7): progress as it goes, the error kept
when it fails, the file stored under MEDIA_ROOT."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from . import reports
from .models import InspectionReport

logger = logging.getLogger(__name__)


@shared_task(name="compliance.build_inspection_report")
def build_inspection_report(report_id):
    """Build one requested report once; a report already running or finished is left alone."""
    claimed = InspectionReport.objects.filter(pk=report_id, state=InspectionReport.State.QUEUED).update(
        state=InspectionReport.State.RUNNING, progress=5, step="开始生成"
    )
    if not claimed:
        return None
    report = InspectionReport.objects.select_related("requested_by", "framework").get(pk=report_id)

    def progress(percent, step):
        InspectionReport.objects.filter(pk=report_id).update(progress=percent, step=step)

    try:
        pdf = reports.build(report, progress)
        progress(95, "保存文件")
        report.refresh_from_db()
        report.file.save(
            f"inspection-{report.pk}-{report.period_end:%Y%m%d}.pdf", ContentFile(pdf), save=False
        )
        report.pages = reports.count_pages(pdf)
        report.size = len(pdf)
        report.state = InspectionReport.State.DONE
        report.progress = 100
        report.step = "已完成"
        report.finished_at = timezone.now()
        report._change_reason = "生成完成"
        report.save()
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the report and shown
        logger.exception("inspection report %s failed", report_id)
        report.refresh_from_db()
        report.state = InspectionReport.State.FAILED
        report.error = f"{type(error).__name__}: {error}"[:2000]
        report.step = "生成失败"
        report.finished_at = timezone.now()
        report._change_reason = "生成失败"
        report.save()
    return report.state


@shared_task(name="compliance.build_queued_reports")
def build_queued_reports(older_than_minutes=2, limit=3):
    """Beat, every minute: builds requests whose queued task never arrived (broker down when the
    report was requested), the way the obligation sweep catches up on reminders."""
    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    waiting = InspectionReport.objects.filter(state=InspectionReport.State.QUEUED, requested_at__lte=cutoff)
    built = []
    for report_id in waiting.order_by("requested_at").values_list("pk", flat=True)[:limit]:
        if build_inspection_report(report_id) is not None:
            built.append(report_id)
    return built
