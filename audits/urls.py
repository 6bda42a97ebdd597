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
]
