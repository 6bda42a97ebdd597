from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.security, name="security"),
    path("verify/", views.otp_verify, name="otp_verify"),
    path("enrol/", views.otp_enrol, name="otp_enrol"),
    path("enrol/qr.svg", views.otp_qr, name="otp_qr"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    path("api-token/", views.api_token, name="api_token"),
    path("second-factor/", views.otp_admin, name="otp_admin"),
    path("second-factor/<int:pk>/reset/", views.otp_reset, name="otp_reset"),
]
