from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .core.auth_views import LoginView
from .core.dashboard import DashboardView
from .core.health import healthz

admin.site.site_header = "深圳市民政局信息安全管理平台 · 系统管理"
admin.site.site_title = "信息安全管理平台"
admin.site.index_title = "配置"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz/", healthz, name="healthz"),
    path("account/", include("szmz_security.accounts.urls")),
    path("", include("szmz_security.obligations.urls")),
    path("audit-log/", include("szmz_security.auditlog.urls")),
    path("org/", include("szmz_security.org.urls")),
    path("compliance/", include("szmz_security.compliance.urls")),
    path("incidents/", include("incidents.urls")),
    path("assets/", include("assets.urls")),
    path("removable-media/", include("media_control.urls")),
    path("audits/", include("audits.urls")),
    path("", include("publishing.urls")),
    path("secrecy/", include("secrecy.urls")),
    path("api/", include(("szmz_security.api_urls", "api"), namespace="api")),
    path("admin/", admin.site.urls),
]
