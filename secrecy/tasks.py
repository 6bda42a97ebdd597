from celery import shared_task

from .documents.services import ensure_period_review_obligations as ensure_period_reviews


@shared_task(name="secrecy.ensure_period_review_obligations")
def ensure_period_review_obligations():
    """Daily (idempotent): this year's secrecy-period review obligation for every department
    holding classified documents."""
    return [obligation.pk for obligation in ensure_period_reviews()]
