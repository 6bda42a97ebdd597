from szmz_security.core.registry import model_urls

from . import views  # noqa: F401 - declares the audit log's pages

app_name = "auditlog"

urlpatterns = model_urls("auditlog")
