"""Risk-assessment screens: quarterly reviews (checklist, findings, circulation, sign-off, PDF),
external assessments, information-system projects with their gates, and the risk register with
its heat map. Views stay thin: each action calls one service; a refused action re-renders the
detail page (400) with the error next to the field; PermissionDenied is 403, an invisible record 404.
"""

import datetime
import io

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.forms import style_filter_form
from szmz_security.core.views import (
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    object_urls,
    visible_object_or_404,
)
from szmz_security.org.access import can
from szmz_security.org.models import Department

from . import governance, risk_levels, services
from .filters import (
    AccountReviewFilterSet,
    ExternalAssessmentFilterSet,
    LogSourceFilterSet,
    OfficerAppointmentFilterSet,
    OnCallShiftFilterSet,
    PatchRecordFilterSet,
    PrivilegedAccountFilterSet,
    ProjectFilterSet,
    QuarterlyReviewFilterSet,
    RiskFilterSet,
    SecurityScanFilterSet,
    TrainingSessionFilterSet,
)
from .forms import (
    AccountReviewCloseForm,
    AttendanceForm,
    CirculateForm,
    EstimateForm,
    ExternalAssessmentForm,
    FindingForm,
    GoLiveAssessmentForm,
    LogSourceForm,
    OfficerAppointmentForm,
    OnCallShiftForm,
    PasswordChangeForm,
    PatchRecordForm,
    PrivilegedAccountForm,
    ProjectForm,
    ReviewItemForm,
    RiskAcceptForm,
    RiskCloseForm,
    RiskForm,
    RiskReviewForm,
    ScanFindingFixForm,
    ScanFindingForm,
    SecurityScanForm,
    SignOffForm,
    TrainingSessionForm,
    TransitionForm,
    add_service_errors,
)
from .models import (
    AccountReview,
    ExternalAssessment,
    GoLiveAssessment,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    Project,
    QuarterlyReview,
    Risk,
    SecurityScan,
    TrainingSession,
)
from .reports import review_pdf_bytes
from .tables import (
    AccountReviewTable,
    ExternalAssessmentTable,
    LogSourceTable,
    OfficerAppointmentTable,
    OnCallShiftTable,
    PatchRecordTable,
    PrivilegedAccountTable,
    ProjectTable,
    QuarterlyReviewTable,
    RiskTable,
    SecurityScanTable,
    TrainingSessionTable,
)


class ActionMixin:
    """A POST from a detail page calling one service; refused input re-renders the page (400)."""

    http_method_names = ["post"]
    form_class = None
    form_name = None
    action = "change"
    field_map = {}

    def get_object(self, queryset=None):
        # Under the access rule (404 if invisible), without a second view audit event.
        return super(ObjectView, self).get_object(queryset)

    def allowed(self, user, obj):
        return can(user, self.action, obj)

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES)

    def post(self, request, *args, **kwargs):
        self.object = obj = self.get_object()
        if not self.allowed(request.user, obj):
            raise PermissionDenied("您没有权限执行此操作。")
        form = self.get_form()
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.perform(form, obj)
            except ValidationError as error:
                add_service_errors(form, error, self.field_map)
                obj.refresh_from_db()
            else:
                messages.success(request, message)
                return redirect(self.success_url(obj))
        self.forms = {self.form_name: form}
        self.open_form = self.form_name
        return self.render_to_response(self.get_context_data(object=obj), status=400)

    def success_url(self, obj):
        return obj.get_absolute_url()

    def perform(self, form, obj):
        raise NotImplementedError


class DetailFormsMixin:
    forms = None
    open_form = None

    def default_forms(self):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forms = self.default_forms()
        forms.update(self.forms or {})
        context.update(forms)
        context["open_form"] = self.open_form
        return context


# --- quarterly reviews --------------------------------------------------------------------------------


class QuarterlyReviewListView(ObjectListView):
    model = QuarterlyReview
    table_class = QuarterlyReviewTable
    filterset_class = QuarterlyReviewFilterSet
    template_name = "audits/quarterlyreview_list.html"
    title = "季度风险评估"
    export_filename = "quarterly-reviews"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("obligation", "signed_off_by__profile")
            .annotate(
                item_count=Count("items", distinct=True),
                assessed_count=Count("items", filter=~Q(items__result=""), distinct=True),
            )
        )

    def add_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create_current"] = self.request.user.has_perm("audits.add_quarterlyreview")
        return context


@login_required
def current_review(request):
    """本季度评估: an officer may open (and so create, idempotently) this quarter's review."""
    if request.method != "POST":
        review = QuarterlyReview.objects.visible_to(request.user).order_by("-year", "-quarter").first()
        if review is None:
            raise Http404("尚无季度评估。")
        return redirect(review)
    if not request.user.has_perm("audits.add_quarterlyreview"):
        raise PermissionDenied("只有安全员可以创建季度评估。")
    review = services.ensure_quarterly_review()
    if review is None:
        messages.error(request, "未找到负责季度评估的部门（AUDITS_REVIEW_DEPARTMENT），无法创建。")
        return redirect("audits:quarterlyreview_list")
    return redirect(review)


class QuarterlyReviewView(DetailFormsMixin, ObjectView):
    model = QuarterlyReview
    template_name = "audits/quarterlyreview.html"

    def get_queryset(self):
        return super().get_queryset().select_related("obligation", "signed_off_by__profile", "department")

    def default_forms(self):
        return {
            "finding_form": FindingForm(review=self.object),
            "circulate_form": CirculateForm(),
            "sign_off_form": SignOffForm(initial={"summary": self.object.summary}),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        items = list(review.items.select_related("clause__chapter", "assessed_by__profile"))
        item_errors = getattr(self, "item_errors", {})
        for item in items:
            item.form = item_errors.get(item.pk) or ReviewItemForm(
                initial={"result": item.result, "note": item.note}, prefix=f"item{item.pk}"
            )
        circulations = list(review.circulations.all().values_list("department__name", "read_at"))
        by_department = {}
        for name, read_at in circulations:
            entry = by_department.setdefault(name, {"name": name, "total": 0, "read": 0})
            entry["total"] += 1
            entry["read"] += read_at is not None
        context.update(
            items=items,
            assessed=sum(1 for item in items if item.result),
            pending=sum(1 for item in items if not item.result),
            findings=list(
                review.findings.select_related("owner__profile", "department", "obligation", "item__clause")
            ),
            circulation=list(by_department.values()),
            can_edit=context["can_change"] and not review.signed_off,
            pdf_url=reverse("audits:quarterlyreview_pdf", args=[review.pk]),
        )
        return context


class ReviewItemAssessView(ActionMixin, QuarterlyReviewView):
    def post(self, request, *args, **kwargs):
        self.object = review = self.get_object()
        if not can(request.user, "change", review):
            raise PermissionDenied("只有安全员可以填写季度评估。")
        item = get_object_or_404(review.items.select_related("clause"), pk=kwargs["item_pk"])
        form = ReviewItemForm(request.POST, prefix=f"item{item.pk}")
        if form.is_valid():
            try:
                services.assess_item(item, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已评估：{item.clause.display_code} {item.get_result_display()}")
                return HttpResponseRedirect(f"{review.get_absolute_url()}#item-{item.pk}")
        self.item_errors = {item.pk: form}
        return self.render_to_response(self.get_context_data(object=review), status=400)


class FindingAddView(ActionMixin, QuarterlyReviewView):
    form_name = "finding_form"

    def get_form(self):
        return FindingForm(self.request.POST, review=self.object)

    def perform(self, form, review):
        finding = services.add_finding(review, by=self.request.user, **form.cleaned_data)
        return f"已登记发现：{finding.title}（责任人将收到提醒）。"


class CirculateView(ActionMixin, QuarterlyReviewView):
    form_class = CirculateForm
    form_name = "circulate_form"

    def perform(self, form, review):
        count = services.circulate(review, form.cleaned_data["departments"], by=self.request.user)
        names = "、".join(d.name for d in form.cleaned_data["departments"])
        return f"已向{names}通报（新增接收人 {count} 人）。"


class SignOffView(ActionMixin, QuarterlyReviewView):
    form_class = SignOffForm
    form_name = "sign_off_form"

    def perform(self, form, review):
        review = services.sign_off(review, by=self.request.user, summary=form.cleaned_data["summary"])
        state = review.obligation.display_state() if review.obligation else ""
        return f"已签发{review}。季度评估义务：{state}。"


class CirculationView(ObjectView):
    """The circulated results, as a recipient reads them; opening it records the reading. The
    information centre sees who received and who has read."""

    model = QuarterlyReview
    template_name = "audits/quarterlyreview_circulation.html"
    tab = "circulation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        services.mark_read(review, self.request.user)
        context.update(
            recipients=list(
                review.circulations.select_related(
                    "department", "user__profile", "sent_by__profile"
                ).order_by("department__code", "user__username")
            ),
            findings=list(review.findings.select_related("owner__profile", "department")),
            counts=review.items.values("result").annotate(n=Count("pk")).order_by("result"),
        )
        return context


class QuarterlyReviewHistoryView(ObjectHistoryView):
    model = QuarterlyReview


@login_required
def review_pdf(request, pk):
    review = visible_object_or_404(QuarterlyReview, request.user, pk)
    pdf = review_pdf_bytes(review, user=request.user)
    record(AuditEvent.Kind.PRINT, request=request, obj=review, document="quarterly_review")
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=f"quarterly-review-{review.year}-Q{review.quarter}.pdf",
        content_type="application/pdf",
    )


# --- external assessments -------------------------------------------------------------------------------


class ExternalAssessmentListView(ObjectListView):
    model = ExternalAssessment
    table_class = ExternalAssessmentTable
    filterset_class = ExternalAssessmentFilterSet
    title = "外部测评"
    export_filename = "external-assessments"

    def get_queryset(self):
        return super().get_queryset().select_related("department")


class ExternalAssessmentView(DetailFormsMixin, ObjectView):
    model = ExternalAssessment
    template_name = "audits/externalassessment.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "recorded_by__profile", "obligation")

    def default_forms(self):
        return {"improvement_form": FindingForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["improvements"] = list(
            self.object.findings.select_related("owner__profile", "department", "obligation")
        )
        context["systems_assets"] = list(self.object.assets.all())
        return context


class ExternalAssessmentEditView(ObjectEditView):
    model = ExternalAssessment
    form_class = ExternalAssessmentForm

    def save_form(self, form):
        assessment = form.save(commit=False)
        assessment._change_reason = "登记外部测评" if assessment.pk is None else "修改外部测评"
        services.save_external_assessment(
            assessment, by=self.request.user, uploaded=form.cleaned_data.get("report_file")
        )
        form.save_m2m()
        return assessment

    def form_valid(self, form):
        creating = form.instance.pk is None
        try:
            with transaction.atomic():
                self.object = self.save_form(form)
        except ValidationError as error:
            if creating:
                form.instance.pk = None
                form.instance._state.adding = True
                self.object = None
            add_service_errors(form, error, {"report": "report_file"})
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, f"已保存：{self.object}")
        return HttpResponseRedirect(self.object.get_absolute_url())


class ExternalAssessmentHistoryView(ObjectHistoryView):
    model = ExternalAssessment


class ImprovementAddView(ActionMixin, ExternalAssessmentView):
    form_class = FindingForm
    form_name = "improvement_form"

    def perform(self, form, assessment):
        item = services.add_improvement(assessment, by=self.request.user, **form.cleaned_data)
        return f"已登记改进计划项：{item.title}（责任人将收到提醒）。"


def _stored_file(file_field, filename):
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
def assessment_report(request, pk):
    assessment = visible_object_or_404(ExternalAssessment, request.user, pk)
    if not assessment.report:
        raise Http404("未上传测评报告。")
    record(AuditEvent.Kind.EXPORT, request=request, obj=assessment, document="assessment_report")
    return _stored_file(assessment.report, assessment.report_name or f"assessment-{assessment.pk}.pdf")


# --- projects -------------------------------------------------------------------------------------------


class ProjectListView(ObjectListView):
    model = Project
    table_class = ProjectTable
    filterset_class = ProjectFilterSet
    title = "信息化项目"
    export_filename = "projects"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "owner__profile")


class ProjectView(DetailFormsMixin, ObjectView):
    model = Project
    template_name = "audits/project.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "owner__profile", "system")

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
            obligations=list(
                services.Obligation.objects.filter(
                    subject_type__model="project", subject_type__app_label="audits", subject_id=project.pk
                ).order_by("created_at")
            ),
            gate_error=getattr(self, "gate_error", None),
        )
        return context


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm

    def save_form(self, form):
        project = form.save(commit=False)
        if project.pk is None:
            project._change_reason = "登记项目"
            return services.register_project(project, by=self.request.user)
        project._change_reason = "修改项目信息"
        project.save()
        return project


class ProjectHistoryView(ObjectHistoryView):
    model = Project


class EstimateAddView(ActionMixin, ProjectView):
    form_class = EstimateForm
    form_name = "estimate_form"

    def perform(self, form, project):
        services.record_estimate(project, form.save(commit=False), by=self.request.user)
        return "已登记立项前风险预估。"


class GoLiveAssessmentAddView(ActionMixin, ProjectView):
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


class ProjectTransitionView(ActionMixin, ProjectView):
    form_class = TransitionForm
    form_name = "transition_form"

    def post(self, request, *args, **kwargs):
        self.object = project = self.get_object()
        if not can(request.user, "change", project):
            raise PermissionDenied("您没有权限变更该项目的状态。")
        form = TransitionForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            project = services.transition_project(project, form.cleaned_data["to_state"], by=request.user)
        except ValidationError as error:
            self.gate_error = "".join(error.messages)
            project.refresh_from_db()
            return self.render_to_response(self.get_context_data(object=project), status=400)
        messages.success(request, f"项目状态已变更为“{project.get_state_display()}”。")
        return redirect(project)


@login_required
def golive_report(request, pk, assessment_pk):
    project = visible_object_or_404(Project, request.user, pk)
    assessment = get_object_or_404(GoLiveAssessment, pk=assessment_pk, project=project)
    if not assessment.report:
        raise Http404("未上传评估报告。")
    record(AuditEvent.Kind.EXPORT, request=request, obj=project, document="golive_report")
    return _stored_file(assessment.report, assessment.report_name or f"golive-{assessment.pk}.pdf")


# --- risks ----------------------------------------------------------------------------------------------


class RiskListView(ObjectListView):
    model = Risk
    table_class = RiskTable
    filterset_class = RiskFilterSet
    template_name = "audits/risk_list.html"
    title = "风险台账"
    export_filename = "risks"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "owner__profile", "project")


class RiskHeatMapView(LoginRequiredMixin, TemplateView):
    """5×5 heat map of open risks (likelihood × severity), coloured by level, each count linking
    to the filtered list. One aggregate query whatever the number of risks."""

    template_name = "audits/risk_heatmap.html"
    title = "风险热力图"

    def get_queryset(self):
        return Risk.objects.visible_to(self.request.user, "view")

    def get_context_data(self, **kwargs):
        filterset = RiskFilterSet(
            self.request.GET or {"status": Risk.Status.OPEN},
            queryset=self.get_queryset(),
            request=self.request,
        )
        style_filter_form(filterset.form)
        queryset = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        params = self.request.GET.copy()
        if "status" not in params:
            params["status"] = Risk.Status.OPEN
        params.pop("likelihood", None)
        params.pop("severity", None)
        params.pop("page", None)
        limits = risk_levels.cutoffs()
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "filter": filterset,
            "rows": services.heat_map(queryset),
            "severities": range(1, 6),
            "base_query": params.urlencode(),
            "legend": [
                (risk_levels.LEVEL_LABELS[level], risk_levels.LEVEL_BADGES[level], text)
                for level, text in (
                    (risk_levels.MAJOR, f"≥ {limits['major']}"),
                    (risk_levels.SIGNIFICANT, f"{limits['significant']}–{limits['major'] - 1}"),
                    (risk_levels.GENERAL, f"{limits['general']}–{limits['significant'] - 1}"),
                    (risk_levels.LOW, f"< {limits['general']}"),
                )
            ],
        }


class RiskView(DetailFormsMixin, ObjectView):
    model = Risk
    template_name = "audits/risk.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "department", "owner__profile", "project", "accepted_by__profile", "review_obligation"
            )
        )

    def default_forms(self):
        return {
            "accept_form": RiskAcceptForm(),
            "review_form": RiskReviewForm(),
            "close_form": RiskCloseForm(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_accept"] = (
            services.can_accept(self.request.user, self.object) and self.object.status == Risk.Status.OPEN
        )
        return context


class RiskEditView(ObjectEditView):
    model = Risk
    form_class = RiskForm

    def save_form(self, form):
        risk = form.save(commit=False)
        risk._change_reason = "登记风险" if risk.pk is None else "修改风险"
        return services.save_risk(risk, by=self.request.user)

    def form_valid(self, form):
        creating = form.instance.pk is None
        try:
            with transaction.atomic():
                self.object = self.save_form(form)
        except ValidationError as error:
            if creating:
                form.instance.pk = None
                form.instance._state.adding = True
                self.object = None
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, f"已保存：{self.object}（{self.object.get_level_display()}风险）")
        return HttpResponseRedirect(self.object.get_absolute_url())


class RiskHistoryView(ObjectHistoryView):
    model = Risk


class RiskAcceptView(ActionMixin, RiskView):
    form_class = RiskAcceptForm
    form_name = "accept_form"
    action = "view"

    def allowed(self, user, risk):
        return services.can_accept(user, risk)

    def perform(self, form, risk):
        services.accept_risk(risk, by=self.request.user, **form.cleaned_data)
        return f"已批准接受该风险，有效期至 {form.cleaned_data['expires']:%Y-%m-%d}。"


class RiskReviewView(ActionMixin, RiskView):
    form_class = RiskReviewForm
    form_name = "review_form"

    def perform(self, form, risk):
        services.review_risk(risk, by=self.request.user, **form.cleaned_data)
        return "已记录复核。"


class RiskCloseView(ActionMixin, RiskView):
    form_class = RiskCloseForm
    form_name = "close_form"

    def perform(self, form, risk):
        services.close_risk(risk, by=self.request.user, reason=form.cleaned_data["reason"])
        return "风险已关闭。"


# --- governance records (chapters 2, 3 §3, 5 §4, 7 §2, 8, 9) ---------------------------------


def field_rows(obj, exclude=("id", "password_due_on")):
    """(label, text) for each concrete field of a record, for the detail pages' 基本信息 card."""
    from szmz_security.org.models import display_name

    User = get_user_model()
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name.endswith("_ptr"):
            continue
        if field.is_relation:
            value = getattr(obj, field.name)
            text = (
                display_name(value) if isinstance(value, User) else (str(value) if value is not None else "—")
            )
        elif field.choices:
            text = getattr(obj, f"get_{field.name}_display")()
        else:
            value = getattr(obj, field.name)
            if isinstance(value, bool):
                text = "是" if value else "否"
            elif isinstance(value, datetime.datetime):
                text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            elif isinstance(value, datetime.date):
                text = value.strftime("%Y-%m-%d")
            else:
                text = "—" if value in (None, "") else str(value)
        rows.append((field.verbose_name, text))
    return rows


class FieldRowsMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_rows"] = field_rows(self.object)
        return context


class CheckedEditView(ObjectEditView):
    """Create or edit, with a service rule (``check``) whose ValidationError is shown next to
    its field (400); nothing is saved when it refuses."""

    check = None
    reason = "登记"

    def save_form(self, form):
        obj = form.save(commit=False)
        if self.check is not None:
            type(self).check(obj)
        obj._change_reason = self.reason if obj.pk is None else "修改"
        obj.save()
        form.save_m2m()
        return obj

    def form_valid(self, form):
        creating = form.instance.pk is None
        try:
            with transaction.atomic():
                self.object = self.save_form(form)
        except ValidationError as error:
            if creating:
                form.instance.pk = None
                form.instance._state.adding = True
                self.object = None
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, f"已保存：{self.object}")
        return HttpResponseRedirect(self.object.get_absolute_url())


# --- the security-officer roster (2 §1) -------------------------------------------------------------------


class OfficerAppointmentListView(ObjectListView):
    model = OfficerAppointment
    table_class = OfficerAppointmentTable
    filterset_class = OfficerAppointmentFilterSet
    template_name = "audits/officerappointment_list.html"
    title = "安全员名册"
    export_filename = "security-officers"

    def get_queryset(self):
        return super().get_queryset().select_related("person__profile", "department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roster"] = governance.roster_status()
        return context


class OfficerAppointmentView(FieldRowsMixin, ObjectView):
    model = OfficerAppointment
    template_name = "audits/governance_object.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__profile", "department")


class OfficerAppointmentEditView(CheckedEditView):
    model = OfficerAppointment
    form_class = OfficerAppointmentForm
    check = governance.clean_appointment
    reason = "任命安全员"


class OfficerAppointmentHistoryView(ObjectHistoryView):
    model = OfficerAppointment


# --- the 24-hour on-call rota (3 §3) ---------------------------------------------------------------------


class OnCallShiftListView(ObjectListView):
    model = OnCallShift
    table_class = OnCallShiftTable
    filterset_class = OnCallShiftFilterSet
    template_name = "audits/oncallshift_list.html"
    title = "24小时值班表"
    export_filename = "on-call-rota"

    def get_queryset(self):
        return super().get_queryset().select_related("person__profile", "department")


class OnCallTodayView(LoginRequiredMixin, TemplateView):
    """今日值班: who answers today, and the days of the coming fortnight with nobody on call."""

    template_name = "audits/oncall_today.html"
    days_ahead = 14

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.has_perm("audits.view_oncallshift") and not OnCallShift.objects.visible_to(user).exists():
            raise Http404("无权查看值班表。")
        today = timezone.localdate()
        end = today + datetime.timedelta(days=self.days_ahead - 1)
        visible = OnCallShift.objects.visible_to(user)
        return {
            **super().get_context_data(**kwargs),
            "title": "今日值班",
            "today": today,
            "end": end,
            "shifts": list(governance.on_call(today) & visible),
            "gaps": governance.rota_gaps(today, end),
        }


class OnCallShiftView(FieldRowsMixin, ObjectView):
    model = OnCallShift
    template_name = "audits/governance_object.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__profile", "department")


class OnCallShiftEditView(CheckedEditView):
    model = OnCallShift
    form_class = OnCallShiftForm
    check = governance.clean_shift
    reason = "安排值班"


class OnCallShiftHistoryView(ObjectHistoryView):
    model = OnCallShift


# --- security scans and patches (2 §6, 8 §2) ---------------------------------------------------------------


class SecurityScanListView(ObjectListView):
    model = SecurityScan
    table_class = SecurityScanTable
    filterset_class = SecurityScanFilterSet
    title = "安全检测记录"
    export_filename = "security-scans"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("performed_by__profile", "department")
            .annotate(
                finding_count=Count("findings", distinct=True),
                open_count=Count("findings", filter=Q(findings__fixed_on__isnull=True), distinct=True),
            )
        )


class SecurityScanView(FieldRowsMixin, DetailFormsMixin, ObjectView):
    model = SecurityScan
    template_name = "audits/securityscan.html"

    def get_queryset(self):
        return super().get_queryset().select_related("performed_by__profile", "department")

    def default_forms(self):
        return {"finding_form": ScanFindingForm(), "fix_form": ScanFindingFixForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["findings"] = list(self.object.findings.select_related("owner__profile", "obligation"))
        return context


class SecurityScanEditView(CheckedEditView):
    model = SecurityScan
    form_class = SecurityScanForm
    reason = "登记安全检测"


class SecurityScanHistoryView(ObjectHistoryView):
    model = SecurityScan


class ScanFindingAddView(ActionMixin, SecurityScanView):
    form_class = ScanFindingForm
    form_name = "finding_form"

    def perform(self, form, scan):
        finding = governance.add_scan_finding(scan, by=self.request.user, **form.cleaned_data)
        return f"已登记检测发现，整改期限 {finding.fix_due:%Y-%m-%d}（责任人将收到提醒）。"


class ScanFindingFixView(ActionMixin, SecurityScanView):
    form_class = ScanFindingFixForm
    form_name = "fix_form"

    def perform(self, form, scan):
        finding = get_object_or_404(
            scan.findings.select_related("obligation", "scan"), pk=self.kwargs["finding_pk"]
        )
        governance.fix_scan_finding(finding, by=self.request.user, **form.cleaned_data)
        return "已记录整改完成。"


class PatchRecordListView(ObjectListView):
    model = PatchRecord
    table_class = PatchRecordTable
    filterset_class = PatchRecordFilterSet
    title = "补丁升级记录"
    export_filename = "patches"

    def get_queryset(self):
        return super().get_queryset().select_related("applied_by__profile", "department")


class PatchRecordView(FieldRowsMixin, ObjectView):
    model = PatchRecord
    template_name = "audits/governance_object.html"

    def get_queryset(self):
        return super().get_queryset().select_related("applied_by__profile", "department", "asset")


class PatchRecordEditView(CheckedEditView):
    model = PatchRecord
    form_class = PatchRecordForm
    reason = "登记补丁"


class PatchRecordHistoryView(ObjectHistoryView):
    model = PatchRecord


# --- log sources (2 §5, 8 §1) -------------------------------------------------------------------------------


class LogSourceListView(ObjectListView):
    model = LogSource
    table_class = LogSourceTable
    filterset_class = LogSourceFilterSet
    title = "系统日志来源"
    export_filename = "log-sources"

    def get_queryset(self):
        return super().get_queryset().select_related("verified_by__profile", "department")


class LogSourceView(FieldRowsMixin, ObjectView):
    model = LogSource
    template_name = "audits/logsource.html"

    def get_queryset(self):
        return super().get_queryset().select_related("verified_by__profile", "department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["flags"] = governance.log_source_flags(self.object)
        return context


class LogSourceEditView(CheckedEditView):
    model = LogSource
    form_class = LogSourceForm
    check = governance.clean_log_source
    reason = "登记日志来源"


class LogSourceHistoryView(ObjectHistoryView):
    model = LogSource


@login_required
def log_source_verify(request, pk):
    if request.method != "POST":
        raise Http404
    source = visible_object_or_404(LogSource, request.user, pk, "change")
    governance.verify_log_source(source, by=request.user)
    messages.success(request, f"已记录核查：{source}")
    return redirect(source)


# --- training (chapter 9) -------------------------------------------------------------------------------------


class TrainingSessionListView(ObjectListView):
    model = TrainingSession
    table_class = TrainingSessionTable
    filterset_class = TrainingSessionFilterSet
    title = "安全培训记录"
    export_filename = "training"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department")
            .annotate(attended_count=Count("attendance", filter=Q(attendance__attended=True)))
        )


class TrainingSessionView(FieldRowsMixin, DetailFormsMixin, ObjectView):
    model = TrainingSession
    template_name = "audits/trainingsession.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department")

    def default_forms(self):
        return {"attendance_form": AttendanceForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attendance"] = list(self.object.attendance.select_related("user__profile"))
        return context


class TrainingSessionEditView(CheckedEditView):
    model = TrainingSession
    form_class = TrainingSessionForm
    reason = "登记培训"


class TrainingSessionHistoryView(ObjectHistoryView):
    model = TrainingSession


class AttendanceAddView(ActionMixin, TrainingSessionView):
    form_class = AttendanceForm
    form_name = "attendance_form"

    def perform(self, form, session):
        count = governance.record_attendance(session, **form.cleaned_data)
        return f"已登记 {count} 人的签到。"


@login_required
def training_history(request, user_pk):
    """A person's training record: their own, or anyone's for those who see training records of
    the person's department (officers, leadership, inspectors, the department's head)."""
    person = get_object_or_404(get_user_model().objects.select_related("profile"), pk=user_pk)
    user = request.user
    if person != user and not user.has_perm("audits.view_trainingsession"):
        shared = Department.objects.filter(group__user=person).filter(group__user=user)
        if not shared.exists():
            raise Http404("无权查看该人员的培训记录。")
    rows = governance.training_history(person)
    if person != user:
        # Someone else's record shows only the sessions the access rule lets the viewer see.
        rows = rows.filter(session__in=TrainingSession.objects.visible_to(user))
    return render(
        request,
        "audits/training_history.html",
        {
            "person": person,
            "rows": list(rows),
            "title": "培训记录",
        },
    )


# --- account reviews (7 §2) -----------------------------------------------------------------------------


class AccountReviewListView(ObjectListView):
    model = AccountReview
    table_class = AccountReviewTable
    filterset_class = AccountReviewFilterSet
    title = "账号权限核对"
    actions = ("export",)
    export_filename = "account-reviews"

    def get_queryset(self):
        return super().get_queryset().select_related("subject__profile", "closed_by__profile", "obligation")


class AccountReviewView(FieldRowsMixin, DetailFormsMixin, ObjectView):
    model = AccountReview
    template_name = "audits/accountreview.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "subject__profile", "closed_by__profile", "obligation", "changed_department", "department"
            )
        )

    def default_forms(self):
        return {"close_form": AccountReviewCloseForm()}


class AccountReviewHistoryView(ObjectHistoryView):
    model = AccountReview


class AccountReviewCloseView(ActionMixin, AccountReviewView):
    form_class = AccountReviewCloseForm
    form_name = "close_form"

    def perform(self, form, review):
        governance.close_account_review(review, by=self.request.user, **form.cleaned_data)
        return f"已完成：{review}。"


# --- privileged accounts (5 §4) -------------------------------------------------------------------------------


class PrivilegedAccountListView(ObjectListView):
    model = PrivilegedAccount
    table_class = PrivilegedAccountTable
    filterset_class = PrivilegedAccountFilterSet
    title = "特权账号登记"
    export_filename = "privileged-accounts"

    def get_queryset(self):
        return super().get_queryset().select_related("holder__profile", "approved_by__profile", "department")


class PrivilegedAccountView(FieldRowsMixin, DetailFormsMixin, ObjectView):
    model = PrivilegedAccount
    template_name = "audits/privilegedaccount.html"

    def get_queryset(self):
        return super().get_queryset().select_related("holder__profile", "approved_by__profile", "department")

    def default_forms(self):
        return {"password_form": PasswordChangeForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = list(self.object.password_changes.select_related("changed_by__profile"))
        return context


class PrivilegedAccountEditView(CheckedEditView):
    model = PrivilegedAccount
    form_class = PrivilegedAccountForm
    reason = "登记特权账号"


class PrivilegedAccountHistoryView(ObjectHistoryView):
    model = PrivilegedAccount


class PasswordChangeAddView(ActionMixin, PrivilegedAccountView):
    form_class = PasswordChangeForm
    form_name = "password_form"

    def perform(self, form, account):
        governance.record_password_change(account, by=self.request.user, **form.cleaned_data)
        return "已登记密码更换。"


__all__ = ["object_urls"]
