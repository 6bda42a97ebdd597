from django.urls import path

from . import views

app_name = "obligations"

urlpatterns = [
    path("obligations/", views.ObligationListView.as_view(), name="obligation_list"),
    path("obligations/<int:pk>/", views.ObligationView.as_view(), name="obligation"),
    path("obligations/<int:pk>/history/", views.ObligationHistoryView.as_view(), name="obligation_history"),
    path("obligations/<int:pk>/meet/", views.obligation_meet, name="obligation_meet"),
    path("obligations/<int:pk>/waive/", views.obligation_waive, name="obligation_waive"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", views.notification_read, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
