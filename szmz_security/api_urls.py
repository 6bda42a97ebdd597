from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from incidents.api.views import IncidentViewSet
from publishing.api.filter import filter_check

from .auditlog.api.views import AuditEventViewSet
from .obligations.api.views import NotificationViewSet, ObligationViewSet
from .org.api.views import DepartmentViewSet, me

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("incidents", IncidentViewSet, basename="incident")
# --- assets (register) ---
# --- assets (network) ---
# --- media_control ---

urlpatterns = [
    path("me/", me, name="me"),
    path("filter/check/", filter_check, name="filter_check"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
