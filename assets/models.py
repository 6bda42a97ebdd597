"""The asset register, the IP plan and MAC register, monthly reconciliation and the machine room.

Regulation chapters 5 (machine room), 6 §2–3, 6 §6, 6 §11 (equipment), 7 §1 (IP/MAC registration
and the monthly check) and the 公务电脑使用管理制度 (computers are registered fixed assets).
Each sub-domain declares its models in its own ``models.py``; they are imported here so Django's
registry (app label ``assets``), ``from assets.models import X`` and the migrations' references
(the upload paths) keep working.
"""

from .machine_room.models import (
    BackupRecord,
    FireCheck,
    MachineRoom,
    MachineRoomGroupObjectPermission,
    MachineRoomUserObjectPermission,
    RoomAccess,
    RoomChange,
)
from .network.models import (
    IPAssignment,
    IPAssignmentGroupObjectPermission,
    IPAssignmentUserObjectPermission,
    MacAddress,
    MacAddressGroupObjectPermission,
    MacAddressUserObjectPermission,
    Subnet,
    SubnetGroupObjectPermission,
    SubnetUserObjectPermission,
)
from .reconciliation.models import (
    Reconciliation,
    ReconciliationGroupObjectPermission,
    ReconciliationItem,
    ReconciliationUserObjectPermission,
    scan_file_path,
)
from .register.models import (
    Asset,
    AssetGroupObjectPermission,
    AssetImport,
    AssetUserObjectPermission,
    import_file_path,
)

__all__ = [
    "Asset",
    "AssetGroupObjectPermission",
    "AssetImport",
    "AssetUserObjectPermission",
    "BackupRecord",
    "FireCheck",
    "IPAssignment",
    "IPAssignmentGroupObjectPermission",
    "IPAssignmentUserObjectPermission",
    "MacAddress",
    "MacAddressGroupObjectPermission",
    "MacAddressUserObjectPermission",
    "MachineRoom",
    "MachineRoomGroupObjectPermission",
    "MachineRoomUserObjectPermission",
    "Reconciliation",
    "ReconciliationGroupObjectPermission",
    "ReconciliationItem",
    "ReconciliationUserObjectPermission",
    "RoomAccess",
    "RoomChange",
    "Subnet",
    "SubnetGroupObjectPermission",
    "SubnetUserObjectPermission",
    "import_file_path",
    "scan_file_path",
]
