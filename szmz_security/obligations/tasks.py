from celery import shared_task

from . import services


@shared_task(name="obligations.sweep")
def sweep():
    return services.sweep()


@shared_task(name="obligations.deliver_email")
def deliver_email():
    return services.deliver_email()
