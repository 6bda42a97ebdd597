from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("mine/", views.MyIncidentListView.as_view(), name="my_incidents"),
    path("add/", views.IncidentEditView.as_view(), name="incident_add"),
    path("<int:pk>/", views.IncidentView.as_view(), name="incident"),
    path("<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path("<int:pk>/delete/", views.IncidentDeleteView.as_view(), name="incident_delete"),
    path("<int:pk>/history/", views.IncidentHistoryView.as_view(), name="incident_history"),
    # Handling (POST only; each calls one service).
    path("<int:pk>/grade/", views.IncidentGradeView.as_view(), name="incident_grade"),
    path("<int:pk>/transition/", views.IncidentTransitionView.as_view(), name="incident_transition"),
    path("<int:pk>/report-content/", views.ReportContentView.as_view(), name="incident_report_content"),
    path("<int:pk>/actions/add/", views.CorrectiveActionAddView.as_view(), name="corrective_action_add"),
    path("<int:pk>/notes/add/", views.NoteAddView.as_view(), name="note_add"),
    path("<int:pk>/attachments/add/", views.AttachmentAddView.as_view(), name="attachment_add"),
    # Reports to regulators and files (access-checked, audited).
    path(
        "<int:pk>/obligations/<int:obligation_pk>/report/",
        views.RegulatorReportRecordView.as_view(),
        name="report_record",
    ),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/reports/<int:report_pk>/document/", views.report_document, name="report_document"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
