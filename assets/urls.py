"""URLs of the asset register, the machine rooms and the IP plan (NetBox-style names): every
declared model's pages come from the registry (each sub-domain's ``views.py``); only the routes
that fit no record stay here."""

from django.urls import path

from szmz_security.core.registry import model_urls

from .machine_room import views as machine_room_views  # noqa: F401 - declares its models
from .network import views as network_views  # noqa: F401 - declares its models
from .reconciliation import views as reconciliation_views  # noqa: F401 - declares its models
from .register import views as register_views

app_name = "assets"

urlpatterns = [
    path("import/template.xlsx", register_views.asset_import_template, name="asset_import_template"),
    path("imports/<int:pk>/", register_views.asset_import, name="asset_import"),
    path("imports/<int:pk>/progress/", register_views.asset_import_progress, name="asset_import_progress"),
    *model_urls("assets"),
]
