"""The publishing app's API routes, included by ``szmz_security/api_urls.py``: a viewset for every
model declared with a serializer (``core.registry``), and the app's own endpoints."""

from django.urls import path

from szmz_security.core.registry import api_router

from .wordfilter.api import filter_check

router = api_router("publishing")

urlpatterns = [
    path("filter/check/", filter_check, name="filter_check"),
    *router.urls,
]
