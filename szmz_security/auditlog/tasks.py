from celery import shared_task

from .partitions import ensure_partitions
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


@shared_task(name="auditlog.ensure_partitions")
def ensure_partitions_task():
    # PostgreSQL: the next days' partitions of every class exist before their first event.
    return ensure_partitions()
