from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("publications/", views.PublicationListView.as_view(), name="publication_list"),
    path("publications/pending/", views.PendingPublicationListView.as_view(), name="publication_pending"),
    path("publications/add/", views.PublicationEditView.as_view(), name="publication_add"),
    path("publications/<int:pk>/", views.PublicationView.as_view(), name="publication"),
    path("publications/<int:pk>/edit/", views.PublicationEditView.as_view(), name="publication_edit"),
    path(
        "publications/<int:pk>/history/", views.PublicationHistoryView.as_view(), name="publication_history"
    ),
    path("publications/<int:pk>/decide/", views.PublicationActionView.as_view(), name="publication_decide"),
    path("publications/<int:pk>/new-version/", views.new_version, name="publication_new_version"),
    path(
        "publications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="publication_attachment",
    ),
    # The public message board (no login) and its archive.
    path("board/", views.board, name="board"),
    path("board/archive/", views.board_archive, name="board_archive"),
    path("board/<int:pk>/review/", views.board_review, name="board_review"),
    # The monthly report of held harmful content (10 §4).
    path("publications/reports/", views.report_list, name="report_list"),
    path("publications/reports/<int:pk>/<str:kind>/", views.report_file, name="report_file"),
]
