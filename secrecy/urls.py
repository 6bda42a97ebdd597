"""The secrecy pages: every declared model's generated and marked views (``model_urls``)."""

from szmz_security.core.registry import model_urls

app_name = "secrecy"

urlpatterns = [
    *model_urls("secrecy"),
]
