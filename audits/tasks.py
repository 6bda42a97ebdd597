from celery import shared_task

from .continuity import services as continuity
from .outsourcing import services as outsourcing
from .reviews import services


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
