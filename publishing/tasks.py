from celery import shared_task

from .board import services


@shared_task(name="publishing.ensure_report_obligation")
def ensure_report_obligation():
    """Daily (idempotent): last month's harmful-content report is owed by the 10th."""
    report = services.ensure_report_obligation()
    return report.pk if report else None
