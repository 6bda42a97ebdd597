from celery import shared_task

from .retention import purge_expired


@shared_task(name="auditlog.purge_expired")
def purge_expired_task():
    purges = purge_expired()
    return {purge.log_class: purge.deleted for purge in purges}
