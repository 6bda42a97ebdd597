from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assets.api import views as assets_network_api
from assets.api.views import AssetViewSet, MachineRoomViewSet
from incidents.api.views import IncidentViewSet
from media_control.api.views import MediumViewSet
from publishing.api.filter import filter_check

from .auditlog.api.views import AuditEventViewSet
from .core.api import SchemaAccess, signed_in_unless_debug
from .obligations.api.views import NotificationViewSet, ObligationViewSet
from .org.api.views import DepartmentViewSet, me

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("incidents", IncidentViewSet, basename="incident")
# --- assets (register) ---
router.register("assets", AssetViewSet, basename="asset")
router.register("machine-rooms", MachineRoomViewSet, basename="machineroom")
# --- assets (network) ---
router.register("subnets", assets_network_api.SubnetViewSet, basename="subnet")
router.register("ip-assignments", assets_network_api.IPAssignmentViewSet, basename="ipassignment")
router.register("reconciliations", assets_network_api.ReconciliationViewSet, basename="reconciliation")
# --- media_control ---
router.register("media", MediumViewSet, basename="medium")

urlpatterns = [
    path("me/", me, name="me"),
    path("filter/check/", filter_check, name="filter_check"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[SchemaAccess]), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path(
        "docs/",
        signed_in_unless_debug(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("", include(router.urls)),
]
