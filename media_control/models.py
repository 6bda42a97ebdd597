"""Removable media (regulation chapter 6 §4–5 and §7, 保密工作制度, 保守国家秘密法), one Django app
in sub-domains: the ledger (``ledger``), the annual inventory (``inventory``), check-outs
(``movements``) and external repair, destruction and vendors (``repairs``). Django's registry and
``from media_control.models import X`` find every model here."""

from .inventory.models import (
    Inventory,
    InventoryGroupObjectPermission,
    InventoryLine,
    InventoryUserObjectPermission,
)
from .ledger.models import (
    CLASSIFIED_LEVELS,
    DESTROYED_MESSAGE,
    MAX_PROTECTION_YEARS,
    SECRECY_OFFICE_LEVELS,
    MediaNumberCounter,
    Medium,
    MediumGroupObjectPermission,
    MediumUserObjectPermission,
    SecrecyLevel,
    is_classified_level,
    marking_for,
)
from .movements.models import Checkout
from .repairs.models import (
    ApprovalRequest,
    DestructionRequest,
    DestructionRequestGroupObjectPermission,
    DestructionRequestUserObjectPermission,
    RepairRequest,
    RepairRequestGroupObjectPermission,
    RepairRequestUserObjectPermission,
    Vendor,
    VendorQuerySet,
    certificate_path,
)

__all__ = [
    "CLASSIFIED_LEVELS",
    "DESTROYED_MESSAGE",
    "MAX_PROTECTION_YEARS",
    "SECRECY_OFFICE_LEVELS",
    "ApprovalRequest",
    "Checkout",
    "DestructionRequest",
    "DestructionRequestGroupObjectPermission",
    "DestructionRequestUserObjectPermission",
    "Inventory",
    "InventoryGroupObjectPermission",
    "InventoryLine",
    "InventoryUserObjectPermission",
    "MediaNumberCounter",
    "Medium",
    "MediumGroupObjectPermission",
    "MediumUserObjectPermission",
    "RepairRequest",
    "RepairRequestGroupObjectPermission",
    "RepairRequestUserObjectPermission",
    "SecrecyLevel",
    "Vendor",
    "VendorQuerySet",
    "certificate_path",
    "is_classified_level",
    "marking_for",
]
