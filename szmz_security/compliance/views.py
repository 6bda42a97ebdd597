"""The compliance dashboard: frameworks → chapters → clauses with their status and evidence.

Bureau-wide and read-only for officers, leadership, inspectors and administrators
(``compliance.view_clause``); everyone else gets 403. Each page evaluates once through
``services.evaluate`` (a constant number of queries whatever the row counts).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, TemplateView

from szmz_security.core.forms import add_service_errors
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.responses import pdf_response
from szmz_security.core.views import ObjectHistoryView

from . import reports, services
from .forms import ApplicabilityForm, AttestationForm, InspectionReportForm
from .models import Chapter, Clause, Framework, InspectionReport
from .outcome import STATUS_LABELS, STATUS_ORDER, Status

# Every page is written here (bureau-wide, 403 without the compliance permission): the declarations
# give them their routes and NetBox names. An attestation is made and shown on its clause's pages.
register_model(Clause, path="clauses", actions=())
register_model(InspectionReport, path="reports", actions=())


class ComplianceAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = services.VIEW_PERMISSION
    raise_exception = True

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.request.get_full_path())
        return super().handle_no_permission()


def status_filter(request):
    value = request.GET.get("status", "")
    return Status(value) if value in {s.value for s in Status} else None


def status_choices():
    return [(status.value, STATUS_LABELS[status]) for status in STATUS_ORDER]


class ComplianceOverviewView(ComplianceAccessMixin, TemplateView):
    """合规总览: per framework and chapter, the count of each status and a progress bar;
    with a status filter, the clauses in that status."""

    template_name = "compliance/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        frameworks = list(Framework.objects.filter(active=True))
        code = self.request.GET.get("framework", "")
        selected = next((f for f in frameworks if f.code == code), None)
        evaluation = services.evaluate(framework=selected, user=self.request.user)
        status = status_filter(self.request)
        context.update(
            title="合规总览",
            frameworks=frameworks,
            selected_framework=selected,
            evaluation=evaluation,
            status=status,
            status_choices=status_choices(),
            matching=[c for c in evaluation.clauses if c.status == status] if status else [],
        )
        return context


class ChapterView(ComplianceAccessMixin, TemplateView):
    """One chapter's clauses with status and reason (filterable by status)."""

    template_name = "compliance/chapter.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chapter = get_object_or_404(
            Chapter.objects.select_related("framework"),
            framework__code=self.kwargs["framework"],
            framework__active=True,
            code=self.kwargs["chapter"],
        )
        evaluation = services.evaluate(
            framework=chapter.framework, chapter=chapter.code, user=self.request.user
        )
        result = evaluation.chapter(chapter.framework.code, chapter.code)
        if result is None:
            raise Http404("该章没有有效条款。")
        status = status_filter(self.request)
        context.update(
            title=f"{chapter.framework.short_name} {chapter}",
            chapter=chapter,
            result=result,
            status=status,
            status_choices=status_choices(),
            rows=[c for c in result.clauses if status is None or c.status == status],
        )
        return context


def override_of(clause):
    return (
        getattr(clause, "applicability_override", None) if hasattr(clause, "applicability_override") else None
    )


class ClauseMixin(ComplianceAccessMixin):
    def get_clause(self):
        return get_object_or_404(
            Clause.objects.select_related("framework", "chapter", "applicability_override"),
            pk=self.kwargs["pk"],
        )


@register_model_view(Clause, "detail")
class ClauseView(ClauseMixin, TemplateView):
    """One clause: its text, status, reason and the evidence records with links."""

    template_name = "compliance/clause.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clause = self.get_clause()
        user = self.request.user
        context.update(
            title=str(clause),
            object=clause,
            clause=clause,
            tab="detail",
            result=services.clause_status(clause, user=user),
            can_attest=clause.attestable and not clause.retired and user.has_perm("compliance.attest_clause"),
            can_mark=user.has_perm("compliance.mark_not_applicable"),
            override=override_of(clause),
        )
        return context


class ServiceFormView(ClauseMixin, FormView):
    """A small form whose valid data goes to a service; its ValidationError is shown on the form."""

    extra_permission = None

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm(self.extra_permission)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["clause"] = self.clause
        return context

    def get(self, request, *args, **kwargs):
        self.clause = self.get_clause()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.clause = self.get_clause()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return HttpResponseRedirect(self.clause.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@register_model_view(Clause, "attest")
class AttestationCreateView(ServiceFormView):
    form_class = AttestationForm
    template_name = "compliance/attestation_form.html"
    extra_permission = "compliance.attest_clause"

    def get(self, request, *args, **kwargs):
        self.clause = self.get_clause()
        if not self.clause.attestable:
            raise Http404("该条款由系统记录自动核查，无需人工确认。")
        return super(ServiceFormView, self).get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "period": services.attestation_period(self.clause)}

    def perform(self, form):
        services.attest(self.clause, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"已确认：{self.clause}")


@register_model_view(Clause, "applicability")
class ApplicabilityView(ServiceFormView):
    form_class = ApplicabilityForm
    template_name = "compliance/applicability_form.html"
    extra_permission = "compliance.mark_not_applicable"

    def get_initial(self):
        override = override_of(self.clause)
        if override:
            return {"applicable": "1" if override.applicable else "0", "reason": override.reason}
        return {"applicable": "0" if not self.clause.not_applicable_reason else "1"}

    def perform(self, form):
        services.set_applicability(self.clause, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"已更新适用性：{self.clause}")


@register_model_view(Clause, "history")
class ClauseHistoryView(ComplianceAccessMixin, ObjectHistoryView):
    model = Clause

    def get_queryset(self):
        return super().get_queryset().select_related("framework", "chapter")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object_template="compliance/clause_base.html", clause=self.object)
        return context


# --- inspection reports (合规检查报告) --------------------------------------------------------------


@register_model_view(InspectionReport, "list")
class InspectionReportListView(ComplianceAccessMixin, FormView):
    """检查报告: the reports requested so far with their state, and the form to request one."""

    template_name = "compliance/inspectionreport_list.html"
    form_class = InspectionReportForm
    paginate_by = 25

    def get_initial(self):
        today = timezone.localdate()
        return {"period_start": today.replace(month=1, day=1), "period_end": today}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = InspectionReport.objects.select_related(
            "framework", "requested_by__profile"
        ).prefetch_related("jobs")
        context.update(
            title="合规检查报告",
            page_obj=Paginator(reports, self.paginate_by).get_page(self.request.GET.get("page")),
        )
        return context

    def form_valid(self, form):
        try:
            report = reports.request_report(by=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已提交生成申请，报告将在后台生成。")
        return HttpResponseRedirect(report.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@register_model_view(InspectionReport, "detail")
class InspectionReportView(ComplianceAccessMixin, DetailView):
    """One report: its period, state and progress (polled every second until done), download."""

    template_name = "compliance/inspectionreport.html"
    context_object_name = "report"

    def get_queryset(self):
        return InspectionReport.objects.select_related("framework", "requested_by__profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=str(self.object),
            job=self.object.job,
            poll_url=reverse("compliance:inspectionreport_progress", args=[self.object.pk]),
            label="生成进度",
            result_template="compliance/inspectionreport_result.html",
        )
        return context


@register_model_view(InspectionReport, "progress")
class InspectionReportProgressView(InspectionReportView):
    template_name = "jobs/progress.html"


@register_model_view(InspectionReport, "download")
class InspectionReportDownloadView(ComplianceAccessMixin, DetailView):
    """The finished PDF, for holders of the compliance view permission; logged as a print."""

    def get_queryset(self):
        return InspectionReport.objects.all()

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        if report.state != InspectionReport.State.DONE or not report.file:
            raise Http404("报告尚未生成。")
        try:
            handle = report.file.open("rb")
        except FileNotFoundError:
            raise Http404("报告文件不存在。") from None
        return pdf_response(
            request,
            handle,
            f"合规检查报告-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.pdf",
            document="inspection_report",
            obj=report,
            pages=report.pages,
            size=report.size,
        )


@register_model_view(InspectionReport, "history")
class InspectionReportHistoryView(ComplianceAccessMixin, ObjectHistoryView):
    model = InspectionReport

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(object_template="compliance/inspectionreport_base.html", report=self.object)
        return context
