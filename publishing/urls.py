from django.urls import path

from szmz_security.core.registry import model_urls

from .accounts import views as accounts  # noqa: F401 - registers the public-account pages
from .board import views as board
from .publications import views as publications  # noqa: F401 - registers the publication pages

app_name = "publishing"

urlpatterns = [
    # Publications, the public message board and the monthly harmful-content report (10 §2, §4),
    # declared in publications/views.py and board/views.py.
    *model_urls("publishing"),
    path("publications/reports/<int:pk>/<str:kind>/", board.report_file, name="report_file"),
]
