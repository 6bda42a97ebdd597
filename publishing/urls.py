from django.urls import path

from szmz_security.core.registry import model_urls

from .board import views as board
from .publications import views as publications  # noqa: F401 - registers the publication pages

app_name = "publishing"

urlpatterns = [
    # Publications (declared in publications/views.py).
    *model_urls("publishing"),
    # The public message board (no login) and its archive.
    path("board/", board.board, name="board"),
    path("board/archive/", board.board_archive, name="board_archive"),
    path("board/<int:pk>/review/", board.board_review, name="board_review"),
    # The monthly report of held harmful content (10 §4).
    path("publications/reports/", board.report_list, name="report_list"),
    path("publications/reports/<int:pk>/<str:kind>/", board.report_file, name="report_file"),
]
