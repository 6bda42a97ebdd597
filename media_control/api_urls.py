"""The media_control app's API routes, included by ``szmz_security/api_urls.py``: a viewset for every
model declared with a serializer (``core.registry``), and the app's own endpoints."""

from szmz_security.core.registry import api_router

from .ledger.api import MediumViewSet

router = api_router("media_control")
router.register("media", MediumViewSet, basename="medium")

urlpatterns = router.urls
