"""The audits pages: every declared model's generated and marked views (``model_urls``), and the
routes that do not fit a record's URL shape."""

from django.urls import path

from szmz_security.core.registry import model_urls

from .assessments import views as assessments  # noqa: F401 - each views module declares its models
from .continuity import views as continuity  # noqa: F401
from .governance import views as governance  # noqa: F401
from .outsourcing import views as outsourcing  # noqa: F401
from .privacy import views as privacy  # noqa: F401
from .projects import views as projects  # noqa: F401
from .reviews import views as reviews
from .risks import views as risks  # noqa: F401

app_name = "audits"

urlpatterns = [
    path("reviews/<int:pk>/review.pdf", reviews.review_pdf, name="quarterlyreview_pdf"),
    *model_urls("audits"),
]
