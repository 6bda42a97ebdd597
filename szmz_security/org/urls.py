from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    # One sharing screen for every department-owned record (<app_label>.<model_name>).
    path("sharing/<str:model>/<int:pk>/", views.SharingView.as_view(), name="sharing"),
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/<int:pk>/", views.RoleEditView.as_view(), name="role_edit"),
]
