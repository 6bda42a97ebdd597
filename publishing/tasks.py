from celery import shared_task

from .accounts import services as accounts
from .board import services


@shared_task(name="publishing.ensure_report_obligation")
def ensure_report_obligation():
    """Daily (idempotent): last month's harmful-content report is owed by the 10th."""
    report = services.ensure_report_obligation()
    return report.pk if report else None


@shared_task(name="publishing.ensure_account_reviews")
def ensure_account_reviews():
    """Daily (idempotent): this year's review of every operating public account is owed."""
    return [review.pk for review in accounts.ensure_reviews()]
