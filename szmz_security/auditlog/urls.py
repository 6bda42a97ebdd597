from django.urls import path

from . import views

app_name = "auditlog"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="auditevent_list"),
]
