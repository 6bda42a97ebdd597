from django.urls import path

from szmz_security.core.registry import model_urls

from . import views

app_name = "incidents"

urlpatterns = [
    *model_urls("incidents"),
    # Not a directory under the record: the generated report document.
    path("<int:pk>/report.pdf", views.reports.report_pdf, name="report_pdf"),
]
