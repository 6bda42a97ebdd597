from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("add/", views.IncidentEditView.as_view(), name="incident_add"),
    path("<int:pk>/", views.IncidentView.as_view(), name="incident"),
    path("<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path("<int:pk>/delete/", views.IncidentDeleteView.as_view(), name="incident_delete"),
    path("<int:pk>/history/", views.IncidentHistoryView.as_view(), name="incident_history"),
]
