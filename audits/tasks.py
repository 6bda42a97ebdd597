from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from szmz_security.jobs import services as jobs

from .continuity import services as continuity
from .outsourcing import services as outsourcing
from .privacy import services as privacy
from .reviews import services
from .reviews.reports import review_pdf_bytes


@shared_task(name="audits.ensure_quarterly_review")
def ensure_quarterly_review():
    """Hourly (idempotent): this quarter's internal risk review, its checklist and obligation, and
    this year's external-assessment obligation, and this year's account review (7 §2)."""
    review = services.ensure_quarterly_review()
    return review.pk if review else None


@shared_task(name="audits.ensure_drill_obligations")
def ensure_drill_obligations():
    """Hourly (idempotent): this year's drill obligation of every department owning an approved
    emergency plan; returns how many departments owe one."""
    return continuity.ensure_drill_obligations()


@shared_task(name="audits.ensure_outsourcing_reviews")
def ensure_outsourcing_reviews():
    """Hourly (idempotent): this year's review obligation of every active outsourcing contract."""
    return len(outsourcing.ensure_yearly_reviews())


@shared_task(name="audits.ensure_self_inspection_obligation")
def ensure_self_inspection_obligation():
    """Hourly (idempotent): this year's self-inspection obligation (年度自查), met by its sign-off."""
    obligation = services.ensure_self_inspection_obligation()
    return obligation.pk if obligation else None


def self_inspection_pdf_failed(inspection, message, error):
    """The PDF will not be built: the job keeps the reason; the page offers to build it again."""


@jobs.register(services.SELF_INSPECTION_PDF_JOB, failed=self_inspection_pdf_failed)
def build_self_inspection_pdf(job, inspection):
    """The signed-off self-inspection's PDF, each document its own section, stored on the record."""
    jobs.progress(job, 5, 100, "开始生成")
    pdf = review_pdf_bytes(inspection, progress=lambda percent, step: jobs.progress(job, percent, 100, step))
    jobs.progress(job, 95, 100, "保存文件")
    inspection.pdf_file.save(f"self-inspection-{inspection.year}.pdf", ContentFile(pdf), save=False)
    inspection.pdf_generated_at = timezone.now()
    inspection._change_reason = "生成自查报告"
    inspection.save(update_fields=["pdf_file", "pdf_generated_at"])
    return "已完成"


@shared_task(name="audits.ensure_personal_data_obligations")
def ensure_personal_data_obligations():
    """Daily (idempotent): this year's review of every personal-information inventory, and its
    clean-up of records past their retention period."""
    return [obligation.pk for obligation in privacy.ensure_yearly()]
