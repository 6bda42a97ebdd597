"""Removable media (chapter 6 §4–5, §7; 保守国家秘密法): one app, models in its sub-domains (``ledger``,
``inventory``, ``movements``, ``repairs``), all named here for Django and ``media_control.models``."""

# ruff: noqa: F401
from .inventory.models import (
    Inventory,
    InventoryGroupObjectPermission,
    InventoryLine,
    InventoryUserObjectPermission,
)
from .ledger.models import (
    MediaNumberCounter,
    Medium,
    MediumGroupObjectPermission,
    MediumUserObjectPermission,
    SecrecyLevel,
    marking_for,
)
from .movements.models import Checkout
from .repairs.models import (
    DestructionRequest,
    DestructionRequestGroupObjectPermission,
    DestructionRequestUserObjectPermission,
    RepairRequest,
    RepairRequestGroupObjectPermission,
    RepairRequestUserObjectPermission,
    Vendor,
    certificate_path,  # the destruction certificate's upload_to (migration 0001)
)
