"""The secrecy pages: every declared model's generated and marked views (``model_urls``)."""

from szmz_security.core.registry import model_urls

from .documents import views as documents_views  # noqa: F401  (declares the register's models)

app_name = "secrecy"

urlpatterns = [
    *model_urls("secrecy"),
]
