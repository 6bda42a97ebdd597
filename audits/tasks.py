from celery import shared_task

from .privacy import services as privacy
from .reviews import services


@shared_task(name="audits.ensure_quarterly_review")
def ensure_quarterly_review():
    """Hourly (idempotent): this quarter's internal risk review, its checklist and obligation, and
    this year's external-assessment obligation, and this year's account review (7 §2)."""
    review = services.ensure_quarterly_review()
    return review.pk if review else None


@shared_task(name="audits.ensure_personal_data_obligations")
def ensure_personal_data_obligations():
    """Daily (idempotent): this year's review of every personal-information inventory, and its
    clean-up of records past their retention period."""
    return [obligation.pk for obligation in privacy.ensure_yearly()]
