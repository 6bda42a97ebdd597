"""Removable-media rules, by sub-domain: ``ledger.services`` (numbering, who, registering),
``movements.services`` (the check-out approval chain, loss), ``inventory.services`` (the annual
inventory) and ``repairs.services`` (external repair, destruction). This module names them in one
place for callers that act across the app (the demo data, the beat task, the tests)."""

from szmz_security.org.access import can

from .inventory.services import (
    INVENTORY_CLAUSE,
    INVENTORY_KIND,
    ensure_inventory,
    ensure_inventory_obligations,
    record_line,
    sign_inventory,
)
from .ledger.services import (
    delete_medium,
    ensure_lines,
    format_number,
    is_deletable,
    next_number,
    save_medium,
)
from .movements.services import (
    RETURN_CLAUSE,
    RETURN_KIND,
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
    reject_destruction,
    reject_repair,
    request_destruction,
    request_repair,
    return_repair,
    send_repair,
)

__all__ = [
    "INVENTORY_CLAUSE",
    "INVENTORY_KIND",
    "RETURN_CLAUSE",
    "RETURN_KIND",
    "approve_checkout",
    "approve_destruction",
    "approve_repair",
    "can",
    "can_approve",
    "can_report_lost",
    "complete_destruction",
    "delete_medium",
    "ensure_inventory",
    "ensure_inventory_obligations",
    "ensure_lines",
    "format_number",
    "hand_out",
    "is_deletable",
    "next_number",
    "record_line",
    "reject_checkout",
    "reject_destruction",
    "reject_repair",
    "report_lost",
    "request_checkout",
    "request_destruction",
    "request_repair",
    "return_checkout",
    "return_repair",
    "save_medium",
    "send_repair",
    "sign_inventory",
]
