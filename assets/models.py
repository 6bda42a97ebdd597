"""The asset register, the IP plan and MAC register, monthly reconciliation and the machine room.

Regulation chapters 5 (machine room), 6 §2–3, 6 §6, 6 §11 (equipment), 7 §1 (IP/MAC registration
and the monthly check) and the 公务电脑使用管理制度 (computers are registered fixed assets).
Each sub-domain declares its models in its own ``models.py``; they are imported here so Django's
registry (app label ``assets``), ``from assets.models import X`` and the migrations' references
(the upload paths) keep working.
"""

# ruff: noqa: F401 - re-exported
from .machine_room.models import BackupRecord, FireCheck, MachineRoom, RoomAccess, RoomChange
from .network.models import IPAssignment, MacAddress, Subnet
from .reconciliation.models import Reconciliation, ReconciliationItem, scan_file_path
from .register.models import Asset, AssetImport, import_file_path
