"""The secrecy app's API routes, included by ``szmz_security/api_urls.py``: a viewset for every
model declared with a serializer (``core.registry``)."""

from szmz_security.core.registry import api_router

router = api_router("secrecy")

urlpatterns = router.urls
