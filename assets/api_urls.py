"""The assets app's API routes, included by ``szmz_security/api_urls.py``: a viewset for every
model declared with a serializer (``core.registry``), and the app's own endpoints."""

from szmz_security.core.registry import api_router

from .machine_room.api import MachineRoomViewSet
from .network.api import IPAssignmentViewSet, SubnetViewSet
from .reconciliation.api import ReconciliationViewSet
from .register.api import AssetViewSet

router = api_router("assets")
router.register("assets", AssetViewSet, basename="asset")
router.register("machine-rooms", MachineRoomViewSet, basename="machineroom")
router.register("subnets", SubnetViewSet, basename="subnet")
router.register("ip-assignments", IPAssignmentViewSet, basename="ipassignment")
router.register("reconciliations", ReconciliationViewSet, basename="reconciliation")

urlpatterns = router.urls
