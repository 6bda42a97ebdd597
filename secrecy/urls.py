"""The secrecy pages: every declared model's generated and marked views (``model_urls``)."""

from szmz_security.core.registry import model_urls

from .archives import views as archives  # noqa: F401 - each views module declares its models
from .documents import views as documents_views  # noqa: F401  (declares the register's models)
from .personnel import views as personnel  # noqa: F401

app_name = "secrecy"

urlpatterns = [
    *model_urls("secrecy"),
]
