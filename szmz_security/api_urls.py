"""The API under /api/: the core's endpoints here, each app's from its own ``api_urls.py``
(a composition point: the only place the core names the apps' API routes)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .auditlog.api.views import AuditEventViewSet
from .core.api import SchemaAccess, signed_in_unless_debug
from .obligations.api.views import NotificationViewSet, ObligationViewSet
from .org.api.views import DepartmentViewSet, me

# The API root lists the core's routes; each app's routes are in its own router.
router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("audit-events", AuditEventViewSet, basename="auditevent")

APP_API_URLS = ("incidents", "assets", "media_control", "audits", "publishing", "secrecy")

urlpatterns = [
    path("me/", me, name="me"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[SchemaAccess]), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path(
        "docs/",
        signed_in_unless_debug(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    *(path("", include(f"{app}.api_urls")) for app in APP_API_URLS),
    path("", include(router.urls)),
]
