"""Emergency plans (应急预案) and drills (应急演练): declared once; the approve, record-held and
cancel actions are hand-written views calling the services, like the API's actions."""

from pathlib import Path

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
from ..governance.views import field_rows
from . import filters, forms, services, tables
from .api import (
    EmergencyDrillSerializer,
    EmergencyDrillViewSet,
    EmergencyPlanSerializer,
    EmergencyPlanViewSet,
)
from .models import EmergencyDrill, EmergencyPlan

PLANS = register_model(
    EmergencyPlan,
    path="emergency-plans",
    related=("department", "approved_by__profile"),
    table=tables.EmergencyPlanTable,
    filterset=filters.EmergencyPlanFilterSet,
    form=forms.EmergencyPlanForm,
    serializer=EmergencyPlanSerializer,
    viewset=EmergencyPlanViewSet,
    title="应急预案",
    export_filename="emergency-plans",
)
DRILLS = register_model(
    EmergencyDrill,
    path="emergency-drills",
    related=("department", "plan"),
    table=tables.EmergencyDrillTable,
    filterset=filters.EmergencyDrillFilterSet,
    form=forms.EmergencyDrillForm,
    serializer=EmergencyDrillSerializer,
    viewset=EmergencyDrillViewSet,
    title="应急演练",
    export_filename="emergency-drills",
)


# --- plans --------------------------------------------------------------------------------------


@register_model_view(EmergencyPlan, "add")
@register_model_view(EmergencyPlan, "edit")
class EmergencyPlanEditView(ObjectEditView):
    model = EmergencyPlan
    form_class = forms.EmergencyPlanForm
    field_map = {"attachment": "attachment_file"}

    def save_form(self, form):
        return services.save_plan(form.save(commit=False), uploaded=form.cleaned_data.get("attachment_file"))


@register_model_view(EmergencyPlan, "attachment")
@login_required
def emergency_plan_attachment(request, pk):
    """The plan's text as uploaded, for those who see the plan (a download, in the audit log)."""
    plan = visible_object_or_404(EmergencyPlan, request.user, pk)
    if not plan.attachment:
        raise Http404("未上传预案文本。")
    record(AuditEvent.Kind.EXPORT, request=request, obj=plan, document="emergency_plan")
    return stored_file(
        plan.attachment,
        plan.attachment_name or f"emergency-plan-{plan.pk}{Path(plan.attachment.name).suffix}",
    )


@register_model_view(EmergencyPlan, "detail")
class EmergencyPlanView(DetailFormsMixin, ObjectView):
    model = EmergencyPlan
    template_name = "audits/emergencyplan.html"
    related = ("department", "approved_by__profile", "supersedes")

    def default_forms(self):
        return {"approve_form": forms.EmergencyPlanApproveForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        context["field_rows"] = field_rows(plan, exclude=("id", "attachment"))
        context["may_approve"] = plan.status == EmergencyPlan.Status.DRAFT and services.may_approve(
            self.request.user
        )
        context["drills"] = list(
            EmergencyDrill.objects.visible_to(self.request.user)
            .filter(plan=plan)
            .order_by("-planned_on", "-pk")
        )
        return context


@register_model_view(EmergencyPlan, "approve")
class EmergencyPlanApproveView(ObjectActionMixin, EmergencyPlanView):
    """批准 (局领导): the access rule's view, plus ``audits.approve_emergencyplan``."""

    form_class = forms.EmergencyPlanApproveForm
    form_name = "approve_form"
    action = "view"
    denied_message = "只有局领导可以批准应急预案。"

    def get_form(self):
        return self.form_class(self.request.POST)

    def allowed(self, user, obj):
        return services.may_approve(user)

    def perform(self, form, plan):
        plan = services.approve_plan(plan, by=self.request.user, **form.cleaned_data)
        return f"已批准：{plan}（同一预案的旧版本已废止）。"


# --- drills -------------------------------------------------------------------------------------


@register_model_view(EmergencyDrill, "add")
@register_model_view(EmergencyDrill, "edit")
class EmergencyDrillEditView(ObjectEditView):
    model = EmergencyDrill
    form_class = forms.EmergencyDrillForm

    def save_form(self, form):
        drill = form.save(commit=False)
        return services.save_drill(drill, form.cleaned_data.get("participants"))


@register_model_view(EmergencyDrill, "detail")
class EmergencyDrillView(DetailFormsMixin, ObjectView):
    model = EmergencyDrill
    template_name = "audits/emergencydrill.html"
    related = ("department", "plan", "recorded_by__profile")

    def default_forms(self):
        return {"held_form": forms.DrillHeldForm(), "cancel_form": forms.DrillCancelForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_rows"] = field_rows(self.object)
        context["participants"] = list(self.object.participants.select_related("profile"))
        return context


@register_model_view(EmergencyDrill, "record_held", path="held", url_name="emergencydrill_held")
class EmergencyDrillHeldView(ObjectActionMixin, EmergencyDrillView):
    form_class = forms.DrillHeldForm
    form_name = "held_form"

    def get_form(self):
        return self.form_class(self.request.POST)

    def perform(self, form, drill):
        services.record_drill_held(drill, by=self.request.user, **form.cleaned_data)
        return "已记录演练实施，本年度演练义务已完成。"


@register_model_view(EmergencyDrill, "cancel")
class EmergencyDrillCancelView(ObjectActionMixin, EmergencyDrillView):
    form_class = forms.DrillCancelForm
    form_name = "cancel_form"

    def get_form(self):
        return self.form_class(self.request.POST)

    def perform(self, form, drill):
        services.cancel_drill(drill, by=self.request.user, **form.cleaned_data)
        return "已取消该演练。"
