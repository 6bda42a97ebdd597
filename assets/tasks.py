"""Asset background work: a batch import and an IP/MAC reconciliation's comparison, run as long
jobs (DESIGN.md §9, szmz_security.jobs), and the hourly sweeps that create the machine rooms' and
the reconciliations' obligations (idempotent). The beat schedule names these tasks."""

from celery import shared_task

from szmz_security.jobs import services as jobs

from .machine_room import services as machine_room
from .reconciliation import services as reconciliation
from .register import imports

# --- the register and the machine room ------------------------------------------------------------

jobs.register(imports.JOB_KIND, failed=imports.import_failed)(imports.run_import)


@shared_task(name="assets.ensure_machine_room_obligations")
def ensure_machine_room_obligations():
    """Hourly (idempotent): today's backup record and this month's fire check per machine room."""
    return len(machine_room.ensure_machine_room_obligations())


# --- the IP/MAC reconciliation --------------------------------------------------------------------

jobs.register(reconciliation.JOB_KIND, failed=reconciliation.comparison_failed)(reconciliation.run_comparison)


@shared_task(name="assets.ensure_reconciliation_obligations")
def ensure_reconciliation_obligations():
    """Hourly (idempotent): this month's IP/MAC reconciliation obligation per zone with subnets."""
    return len(reconciliation.ensure_monthly_obligations())
