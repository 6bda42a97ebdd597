"""The removable-media rules of every sub-domain (``ledger``, ``movements``, ``inventory``,
``repairs``), named in one place for callers acting across the app (demo data, tests)."""

# ruff: noqa: F401
from szmz_security.org.access import can

from .inventory.services import ensure_inventory, ensure_inventory_obligations, record_line, sign_inventory
from .ledger.services import next_number, save_medium
from .movements.services import (
    approve_checkout,
    can_approve,
    can_report_lost,
    hand_out,
    reject_checkout,
    report_lost,
    request_checkout,
    return_checkout,
)
from .repairs.services import (
    approve_destruction,
    approve_repair,
    complete_destruction,
    request_destruction,
    request_repair,
    return_repair,
    send_repair,
)
