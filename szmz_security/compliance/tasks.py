"""Building an inspection PDF as a long job (DESIGN.md §7, §9): progress as it goes, the error
kept when it fails, the file stored under MEDIA_ROOT. Queueing, claiming, heartbeat and the
re-queue of a report whose worker died are the jobs app's (szmz_security.jobs)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from szmz_security.jobs import services as jobs

from . import report_pdf, reports
from .models import InspectionReport

KIND = "compliance.inspection_report"


def report_failed(report, message, error):
    """The report will not be built: 生成失败 with the reason (the exception, or the job's
    message when the worker was killed too often)."""
    report.refresh_from_db()
    if report.finished:
        return
    report.state = InspectionReport.State.FAILED
    report.error = message[:2000]
    report.finished_at = timezone.now()
    report._change_reason = "生成失败"
    report.save()


@jobs.register(KIND, failed=report_failed)
def build_inspection_report(job, report):
    """Build one requested report; a report already finished is left alone."""
    if report.finished:
        return "已完成"
    InspectionReport.objects.filter(pk=report.pk).update(state=InspectionReport.State.RUNNING)
    report = InspectionReport.objects.select_related("requested_by", "framework").get(pk=report.pk)

    def progress(percent, step):
        jobs.progress(job, percent, 100, step)

    progress(5, "开始生成")
    pdf = reports.build(report, progress)
    progress(95, "保存文件")
    report.file.save(f"inspection-{report.pk}-{report.period_end:%Y%m%d}.pdf", ContentFile(pdf), save=False)
    report.pages = report_pdf.count_pages(pdf)
    report.size = len(pdf)
    report.state = InspectionReport.State.DONE
    report.finished_at = timezone.now()
    report._change_reason = "生成完成"
    report.save()
    return "已完成"
