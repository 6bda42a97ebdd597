"""External assessment screens: the record, its report (the uploaded file) and its improvement plan."""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
    ObjectEditView,
    ObjectView,
    visible_object_or_404,
)

from ..common import stored_file
from ..reviews.forms import FindingForm
from . import services
from .filters import ExternalAssessmentFilterSet
from .forms import ExternalAssessmentForm
from .models import ExternalAssessment
from .tables import ExternalAssessmentTable

declaration = register_model(
    ExternalAssessment,
    path="external-assessments",
    related=("department",),
    table=ExternalAssessmentTable,
    filterset=ExternalAssessmentFilterSet,
    form=ExternalAssessmentForm,
    title="外部测评",
    export_filename="external-assessments",
)


@register_model_view(ExternalAssessment, "detail")
class ExternalAssessmentView(DetailFormsMixin, ObjectView):
    model = ExternalAssessment
    template_name = "audits/externalassessment.html"
    related = ("department", "recorded_by__profile", "obligation")

    def default_forms(self):
        return {"improvement_form": FindingForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["improvements"] = list(
            self.object.findings.select_related("owner__profile", "department", "obligation")
        )
        context["systems_assets"] = list(self.object.assets.all())
        return context


@register_model_view(ExternalAssessment, "add")
@register_model_view(ExternalAssessment, "edit")
class ExternalAssessmentEditView(ObjectEditView):
    model = ExternalAssessment
    form_class = ExternalAssessmentForm
    field_map = {"report": "report_file"}

    def save_form(self, form):
        return services.save_external_assessment(
            form.save(commit=False),
            by=self.request.user,
            uploaded=form.cleaned_data.get("report_file"),
            assets=form.cleaned_data["assets"],
        )


@register_model_view(
    ExternalAssessment, "improvement_add", path="improvements/add", url_name="improvement_add"
)
class ImprovementAddView(ObjectActionMixin, ExternalAssessmentView):
    form_class = FindingForm
    form_name = "improvement_form"

    def perform(self, form, assessment):
        item = services.add_improvement(assessment, by=self.request.user, **form.cleaned_data)
        return f"已登记改进计划项：{item.title}（责任人将收到提醒）。"


@register_model_view(ExternalAssessment, "report")
@login_required
def assessment_report(request, pk):
    assessment = visible_object_or_404(ExternalAssessment, request.user, pk)
    if not assessment.report:
        raise Http404("未上传测评报告。")
    record(AuditEvent.Kind.EXPORT, request=request, obj=assessment, document="assessment_report")
    return stored_file(assessment.report, assessment.report_name or f"assessment-{assessment.pk}.pdf")
