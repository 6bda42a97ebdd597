"""Archive secrecy grading (档案保密定级): declared once; the series page carries the re-grading
action (the previous grade is kept with the reason)."""

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin, ObjectEditView, ObjectView

from ..personnel.views import field_rows
from . import api, filters, forms, services, tables
from .models import ArchiveSeries

SERIES = register_model(
    ArchiveSeries,
    path="archive-series",
    related=("department", "graded_by__profile"),
    table=tables.ArchiveSeriesTable,
    filterset=filters.ArchiveSeriesFilterSet,
    form=forms.ArchiveSeriesForm,
    viewset=api.ArchiveSeriesViewSet,
    serializer=api.ArchiveSeriesSerializer,
    title="档案保密定级",
    export_filename="archive-series",
)


class ArchiveSeriesEditView(ObjectEditView):
    model = ArchiveSeries
    form_class = forms.ArchiveSeriesForm

    def save_form(self, form):
        return services.save_series(form.save(commit=False))


register_model_view(ArchiveSeries, "add")(ArchiveSeriesEditView)
register_model_view(ArchiveSeries, "edit")(ArchiveSeriesEditView)


@register_model_view(ArchiveSeries, "detail")
class ArchiveSeriesView(DetailFormsMixin, ObjectView):
    model = ArchiveSeries
    template_name = "secrecy/archiveseries.html"
    related = ("department", "graded_by__profile", "regrading_obligation")

    def default_forms(self):
        series = self.object
        return {
            "regrade_form": forms.RegradeForm(
                initial={
                    "grade": series.grade,
                    "basis": series.basis,
                    "superior_approval": series.superior_approval,
                }
            )
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_rows"] = field_rows(self.object, exclude=("id", "regrading_obligation"))
        context["changes"] = list(self.object.grade_changes.select_related("graded_by__profile"))
        return context


@register_model_view(ArchiveSeries, "regrade")
class ArchiveSeriesRegradeView(ObjectActionMixin, ArchiveSeriesView):
    form_class = forms.RegradeForm
    form_name = "regrade_form"

    def perform(self, form, series):
        series = services.regrade(series, by=self.request.user, **form.cleaned_data)
        return f"已重新定级为“{series.get_grade_display()}”，下次复评 {series.next_review_on:%Y-%m-%d}。"
