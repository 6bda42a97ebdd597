from celery import shared_task

from .retention import purge_expired
from .services import verify_chain


@shared_task(name="auditlog.purge_expired")
def purge_expired_task():
    purges = purge_expired()
    return {purge.log_class: purge.deleted for purge in purges}


@shared_task(name="auditlog.verify_chain")
def verify_chain_task():
    verification = verify_chain()
    return {"ok": verification.ok, "checked": verification.events_checked}
