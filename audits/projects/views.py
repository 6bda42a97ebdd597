"""Project screens: the project with its gates (risk estimate before 立项, go-live assessment),
its state transitions and the go-live assessment's uploaded report."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

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
from . import services
from .filters import ProjectFilterSet
from .forms import EstimateForm, GoLiveAssessmentForm, ProjectForm, TransitionForm
from .models import GoLiveAssessment, Project
from .tables import ProjectTable

declaration = register_model(
    Project,
    path="projects",
    related=("department", "owner__profile"),
    table=ProjectTable,
    filterset=ProjectFilterSet,
    form=ProjectForm,
    title="信息化项目",
    export_filename="projects",
)


@register_model_view(Project, "detail")
class ProjectView(DetailFormsMixin, ObjectView):
    model = Project
    template_name = "audits/project.html"
    related = ("department", "owner__profile", "system")

    def default_forms(self):
        return {"estimate_form": EstimateForm(), "golive_form": GoLiveAssessmentForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context.update(
            estimates=list(project.estimates.select_related("recorded_by__profile")),
            golive_assessments=list(project.golive_assessments.select_related("recorded_by__profile")),
            risks=list(project.risks.select_related("owner__profile", "accepted_by__profile")),
            transitions=services.TRANSITIONS.get(project.state, ()) if context["can_change"] else (),
            blockers=services.golive_blockers(project)
            if project.state == Project.State.GOLIVE_REVIEW
            else [],
            obligations=list(services.project_obligations(project)),
            gate_error=getattr(self, "gate_error", None),
        )
        return context


@register_model_view(Project, "add")
@register_model_view(Project, "edit")
class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm

    def save_form(self, form):
        project = form.save(commit=False)
        if project.pk is None:
            return services.register_project(project, by=self.request.user)
        return services.update_project(project)


@register_model_view(Project, "estimate")
class EstimateAddView(ObjectActionMixin, ProjectView):
    form_class = EstimateForm
    form_name = "estimate_form"

    def perform(self, form, project):
        services.record_estimate(project, form.save(commit=False), by=self.request.user)
        return "已登记立项前风险预估。"


@register_model_view(Project, "golive", path="golive-assessment")
class GoLiveAssessmentAddView(ObjectActionMixin, ProjectView):
    form_class = GoLiveAssessmentForm
    form_name = "golive_form"
    field_map = {"report": "report_file"}

    def perform(self, form, project):
        assessment = services.record_golive_assessment(
            project,
            form.save(commit=False),
            by=self.request.user,
            uploaded=form.cleaned_data.get("report_file"),
        )
        return f"已登记上线前风险评估（{'通过' if assessment.passed else '未通过'}）。"


@register_model_view(Project, "transition")
class ProjectTransitionView(ObjectActionMixin, ProjectView):
    form_name = "transition_form"
    denied_message = "您没有权限变更该项目的状态。"

    def get_form(self):
        form = TransitionForm(self.request.POST)
        if not form.is_valid():
            raise Http404
        return form

    def perform(self, form, project):
        try:
            project = services.transition_project(
                project, form.cleaned_data["to_state"], by=self.request.user
            )
        except ValidationError as error:
            # Shown above the gates, not as a form error.
            self.gate_error = "".join(error.messages)
            raise
        return f"项目状态已变更为“{project.get_state_display()}”。"


@register_model_view(
    Project, "golive_report", path="golive-assessment/<int:assessment_pk>/report", url_name="golive_report"
)
@login_required
def golive_report(request, pk, assessment_pk):
    project = visible_object_or_404(Project, request.user, pk)
    assessment = get_object_or_404(GoLiveAssessment, pk=assessment_pk, project=project)
    if not assessment.report:
        raise Http404("未上传评估报告。")
    record(AuditEvent.Kind.EXPORT, request=request, obj=project, document="golive_report")
    return stored_file(assessment.report, assessment.report_name or f"golive-{assessment.pk}.pdf")
