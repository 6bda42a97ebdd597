from django.urls import path

from szmz_security.core.registry import model_urls

from . import views

app_name = "org"

urlpatterns = [
    *model_urls("org"),
    # One sharing screen for every department-owned record (<app_label>.<model_name>).
    path("sharing/<str:model>/<int:pk>/", views.SharingView.as_view(), name="sharing"),
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/<int:pk>/", views.RoleEditView.as_view(), name="role_edit"),
]
