from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.ComplianceOverviewView.as_view(), name="overview"),
    path("clauses/<int:pk>/", views.ClauseView.as_view(), name="clause"),
    path("clauses/<int:pk>/attest/", views.AttestationCreateView.as_view(), name="clause_attest"),
    path("clauses/<int:pk>/applicability/", views.ApplicabilityView.as_view(), name="clause_applicability"),
    path("clauses/<int:pk>/history/", views.ClauseHistoryView.as_view(), name="clause_history"),
    path("reports/", views.InspectionReportListView.as_view(), name="inspectionreport_list"),
    path("reports/<int:pk>/", views.InspectionReportView.as_view(), name="inspectionreport"),
    path(
        "reports/<int:pk>/progress/",
        views.InspectionReportProgressView.as_view(),
        name="inspectionreport_progress",
    ),
    path(
        "reports/<int:pk>/download/",
        views.InspectionReportDownloadView.as_view(),
        name="inspectionreport_download",
    ),
    path(
        "reports/<int:pk>/history/",
        views.InspectionReportHistoryView.as_view(),
        name="inspectionreport_history",
    ),
    path("frameworks/<slug:framework>/chapters/<str:chapter>/", views.ChapterView.as_view(), name="chapter"),
]
