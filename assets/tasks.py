"""Asset background work: a batch import, an IP/MAC reconciliation's comparison, and the hourly
sweeps that create the machine rooms' and the reconciliations' obligations (idempotent)."""

import logging

from celery import shared_task

from . import reconciliation, resources, services
from .models import Reconciliation

logger = logging.getLogger(__name__)


# --- the register and the machine room ------------------------------------------------------------


@shared_task(name="assets.run_import")
def run_import(import_id):
    """Validate a whole uploaded asset file, then write it in one transaction (or nothing)."""
    return resources.run_import(import_id)


@shared_task(name="assets.ensure_machine_room_obligations")
def ensure_machine_room_obligations():
    """Hourly (idempotent): today's backup record and this month's fire check per machine room."""
    return len(services.ensure_machine_room_obligations())


# --- the IP/MAC reconciliation --------------------------------------------------------------------


@shared_task(name="assets.run_reconciliation")
def run_reconciliation(reconciliation_id):
    """Compare an uploaded scan with the register (progress in ``processed_rows``); a failure
    leaves the run 处理出错 with the reason rather than pending for ever."""
    run = Reconciliation.objects.filter(pk=reconciliation_id).first()
    if run is None or run.state != Reconciliation.State.PENDING:
        return None
    try:
        run = reconciliation.run_comparison(run)
    except Exception as error:
        logger.exception("reconciliation %s failed", reconciliation_id)
        reconciliation.fail_run(reconciliation_id, f"比对出错：{error}")
        raise
    return run.items.count()


@shared_task(name="assets.ensure_reconciliation_obligations")
def ensure_reconciliation_obligations():
    """Hourly (idempotent): this month's IP/MAC reconciliation obligation per zone with subnets."""
    return len(reconciliation.ensure_monthly_obligations())
