from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    # Quarterly internal risk reviews (4 §3).
    path("reviews/", views.QuarterlyReviewListView.as_view(), name="quarterlyreview_list"),
    path("reviews/current/", views.current_review, name="quarterlyreview_current"),
    path("reviews/<int:pk>/", views.QuarterlyReviewView.as_view(), name="quarterlyreview"),
    path(
        "reviews/<int:pk>/history/",
        views.QuarterlyReviewHistoryView.as_view(),
        name="quarterlyreview_history",
    ),
    path(
        "reviews/<int:pk>/items/<int:item_pk>/",
        views.ReviewItemAssessView.as_view(),
        name="reviewitem_assess",
    ),
    path("reviews/<int:pk>/findings/add/", views.FindingAddView.as_view(), name="finding_add"),
    path("reviews/<int:pk>/circulate/", views.CirculateView.as_view(), name="quarterlyreview_circulate"),
    path(
        "reviews/<int:pk>/circulation/", views.CirculationView.as_view(), name="quarterlyreview_circulation"
    ),
    path("reviews/<int:pk>/sign-off/", views.SignOffView.as_view(), name="quarterlyreview_sign_off"),
    path("reviews/<int:pk>/review.pdf", views.review_pdf, name="quarterlyreview_pdf"),
    # Annual external assessments (4 §4).
    path("external-assessments/", views.ExternalAssessmentListView.as_view(), name="externalassessment_list"),
    path(
        "external-assessments/add/", views.ExternalAssessmentEditView.as_view(), name="externalassessment_add"
    ),
    path("external-assessments/<int:pk>/", views.ExternalAssessmentView.as_view(), name="externalassessment"),
    path(
        "external-assessments/<int:pk>/edit/",
        views.ExternalAssessmentEditView.as_view(),
        name="externalassessment_edit",
    ),
    path(
        "external-assessments/<int:pk>/history/",
        views.ExternalAssessmentHistoryView.as_view(),
        name="externalassessment_history",
    ),
    path(
        "external-assessments/<int:pk>/improvements/add/",
        views.ImprovementAddView.as_view(),
        name="improvement_add",
    ),
    path(
        "external-assessments/<int:pk>/report/",
        views.assessment_report,
        name="externalassessment_report",
    ),
    # Information-system projects (4 §1–2).
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/add/", views.ProjectEditView.as_view(), name="project_add"),
    path("projects/<int:pk>/", views.ProjectView.as_view(), name="project"),
    path("projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/history/", views.ProjectHistoryView.as_view(), name="project_history"),
    path("projects/<int:pk>/estimate/", views.EstimateAddView.as_view(), name="project_estimate"),
    path(
        "projects/<int:pk>/golive-assessment/", views.GoLiveAssessmentAddView.as_view(), name="project_golive"
    ),
    path("projects/<int:pk>/transition/", views.ProjectTransitionView.as_view(), name="project_transition"),
    path(
        "projects/<int:pk>/golive-assessment/<int:assessment_pk>/report/",
        views.golive_report,
        name="golive_report",
    ),
    # The risk register and its heat map.
    path("risks/", views.RiskListView.as_view(), name="risk_list"),
    path("risks/heat-map/", views.RiskHeatMapView.as_view(), name="risk_heatmap"),
    path("risks/add/", views.RiskEditView.as_view(), name="risk_add"),
    path("risks/<int:pk>/", views.RiskView.as_view(), name="risk"),
    path("risks/<int:pk>/edit/", views.RiskEditView.as_view(), name="risk_edit"),
    path("risks/<int:pk>/history/", views.RiskHistoryView.as_view(), name="risk_history"),
    path("risks/<int:pk>/accept/", views.RiskAcceptView.as_view(), name="risk_accept"),
    path("risks/<int:pk>/review/", views.RiskReviewView.as_view(), name="risk_review"),
    path("risks/<int:pk>/close/", views.RiskCloseView.as_view(), name="risk_close"),
    # Governance records: roster, rota, scans, patches, log sources, training, accounts.
    path("security-officers/", views.OfficerAppointmentListView.as_view(), name="officerappointment_list"),
    path("security-officers/add/", views.OfficerAppointmentEditView.as_view(), name="officerappointment_add"),
    path("security-officers/<int:pk>/", views.OfficerAppointmentView.as_view(), name="officerappointment"),
    path(
        "security-officers/<int:pk>/edit/",
        views.OfficerAppointmentEditView.as_view(),
        name="officerappointment_edit",
    ),
    path(
        "security-officers/<int:pk>/history/",
        views.OfficerAppointmentHistoryView.as_view(),
        name="officerappointment_history",
    ),
    path("on-call/today/", views.OnCallTodayView.as_view(), name="oncall_today"),
    path("on-call/", views.OnCallShiftListView.as_view(), name="oncallshift_list"),
    path("on-call/add/", views.OnCallShiftEditView.as_view(), name="oncallshift_add"),
    path("on-call/<int:pk>/", views.OnCallShiftView.as_view(), name="oncallshift"),
    path("on-call/<int:pk>/edit/", views.OnCallShiftEditView.as_view(), name="oncallshift_edit"),
    path("on-call/<int:pk>/history/", views.OnCallShiftHistoryView.as_view(), name="oncallshift_history"),
    path("security-scans/", views.SecurityScanListView.as_view(), name="securityscan_list"),
    path("security-scans/add/", views.SecurityScanEditView.as_view(), name="securityscan_add"),
    path("security-scans/<int:pk>/", views.SecurityScanView.as_view(), name="securityscan"),
    path("security-scans/<int:pk>/edit/", views.SecurityScanEditView.as_view(), name="securityscan_edit"),
    path(
        "security-scans/<int:pk>/history/",
        views.SecurityScanHistoryView.as_view(),
        name="securityscan_history",
    ),
    path("security-scans/<int:pk>/findings/add/", views.ScanFindingAddView.as_view(), name="scanfinding_add"),
    path(
        "security-scans/<int:pk>/findings/<int:finding_pk>/fix/",
        views.ScanFindingFixView.as_view(),
        name="scanfinding_fix",
    ),
    path("patches/", views.PatchRecordListView.as_view(), name="patchrecord_list"),
    path("patches/add/", views.PatchRecordEditView.as_view(), name="patchrecord_add"),
    path("patches/<int:pk>/", views.PatchRecordView.as_view(), name="patchrecord"),
    path("patches/<int:pk>/edit/", views.PatchRecordEditView.as_view(), name="patchrecord_edit"),
    path("patches/<int:pk>/history/", views.PatchRecordHistoryView.as_view(), name="patchrecord_history"),
    path("log-sources/", views.LogSourceListView.as_view(), name="logsource_list"),
    path("log-sources/add/", views.LogSourceEditView.as_view(), name="logsource_add"),
    path("log-sources/<int:pk>/", views.LogSourceView.as_view(), name="logsource"),
    path("log-sources/<int:pk>/edit/", views.LogSourceEditView.as_view(), name="logsource_edit"),
    path("log-sources/<int:pk>/history/", views.LogSourceHistoryView.as_view(), name="logsource_history"),
    path("log-sources/<int:pk>/verify/", views.log_source_verify, name="logsource_verify"),
    path("training/", views.TrainingSessionListView.as_view(), name="trainingsession_list"),
    path("training/add/", views.TrainingSessionEditView.as_view(), name="trainingsession_add"),
    path("training/<int:pk>/", views.TrainingSessionView.as_view(), name="trainingsession"),
    path("training/<int:pk>/edit/", views.TrainingSessionEditView.as_view(), name="trainingsession_edit"),
    path(
        "training/<int:pk>/history/",
        views.TrainingSessionHistoryView.as_view(),
        name="trainingsession_history",
    ),
    path("training/<int:pk>/attendance/", views.AttendanceAddView.as_view(), name="attendance_add"),
    path("training/people/<int:user_pk>/", views.training_history, name="training_history"),
    path("account-reviews/", views.AccountReviewListView.as_view(), name="accountreview_list"),
    path("account-reviews/<int:pk>/", views.AccountReviewView.as_view(), name="accountreview"),
    path(
        "account-reviews/<int:pk>/history/",
        views.AccountReviewHistoryView.as_view(),
        name="accountreview_history",
    ),
    path(
        "account-reviews/<int:pk>/close/", views.AccountReviewCloseView.as_view(), name="accountreview_close"
    ),
    path("privileged-accounts/", views.PrivilegedAccountListView.as_view(), name="privilegedaccount_list"),
    path("privileged-accounts/add/", views.PrivilegedAccountEditView.as_view(), name="privilegedaccount_add"),
    path("privileged-accounts/<int:pk>/", views.PrivilegedAccountView.as_view(), name="privilegedaccount"),
    path(
        "privileged-accounts/<int:pk>/edit/",
        views.PrivilegedAccountEditView.as_view(),
        name="privilegedaccount_edit",
    ),
    path(
        "privileged-accounts/<int:pk>/history/",
        views.PrivilegedAccountHistoryView.as_view(),
        name="privilegedaccount_history",
    ),
    path(
        "privileged-accounts/<int:pk>/password-changes/add/",
        views.PasswordChangeAddView.as_view(),
        name="passwordchange_add",
    ),
]
