from django.urls import path

from szmz_security.core.registry import model_urls

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.ComplianceOverviewView.as_view(), name="overview"),
    # Clauses and inspection reports (declared in views.py).
    *model_urls("compliance"),
    path("frameworks/<slug:framework>/chapters/<str:chapter>/", views.ChapterView.as_view(), name="chapter"),
]
