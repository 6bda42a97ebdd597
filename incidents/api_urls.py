"""The incidents app's API routes, included by ``szmz_security/api_urls.py``: a viewset for every
model declared with a serializer (``core.registry``), and the app's own endpoints."""

from szmz_security.core.registry import api_router

from .api import IncidentViewSet

router = api_router("incidents")
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = router.urls
