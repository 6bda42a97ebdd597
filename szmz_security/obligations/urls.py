from django.urls import path

from szmz_security.core.registry import model_urls

from . import views

app_name = "obligations"

urlpatterns = [
    path("notifications/read/", views.notification_read, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    *model_urls("obligations"),
]
