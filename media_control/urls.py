from django.urls import path

from szmz_security.core.registry import model_urls

from .inventory import views as inventory_views
from .ledger import views as ledger_views
from .movements import views as movements_views  # noqa: F401 (registers its views)
from .repairs import views as repairs_views  # noqa: F401

app_name = "media_control"

# Every page of a declared model comes from the registry (the sub-domains' views.py); the two
# PDFs keep their file names as paths.
urlpatterns = [
    path("labels.pdf", ledger_views.label_sheet, name="label_sheet"),
    path("inventories/<int:pk>/inventory.pdf", inventory_views.inventory_pdf_view, name="inventory_pdf"),
    *model_urls("media_control"),
]
