"""The monthly IP/MAC reconciliation's screens (7 §1): the runs declared once (core.registry), the
scan upload, the run page with its items and progress, resolving an item and signing the run off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from szmz_security.core.forms import add_service_errors, style_filter_form
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import visible_object_or_404

from . import services
from .filters import ReconciliationFilterSet, ReconciliationItemFilterSet
from .forms import ReconciliationUploadForm, ResolveItemForm, SignOffForm
from .models import Reconciliation, ReconciliationItem
from .tables import ReconciliationItemTable, ReconciliationTable

RUNS = register_model(
    Reconciliation,
    path="reconciliations",
    table=ReconciliationTable,
    filterset=ReconciliationFilterSet,
    title="IP/MAC 月度核查",
    export_filename="reconciliations",
    actions=("list", "detail", "add", "history"),
    related=("uploaded_by__profile",),
)


@register_model_view(Reconciliation, "list")
class ReconciliationListView(RUNS.generic_view("list")):
    annotations = {
        "item_count": Count("items"),
        "open_count": Count("items", filter=Q(items__resolution=ReconciliationItem.Resolution.OPEN)),
    }


@register_model_view(Reconciliation, "add")
class ReconciliationAddView(LoginRequiredMixin, FormView):
    """上传扫描结果: the whole file is validated first; a bad row refuses it (400, every bad line)."""

    form_class = ReconciliationUploadForm
    template_name = "assets/reconciliation_add.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.can_upload(request.user):
            raise PermissionDenied("您没有权限上传核查扫描结果。")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"source": Reconciliation.Source.ARP}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            run = services.start_reconciliation(
                zone=data["zone"],
                source=data["source"],
                month=data.get("month"),
                upload=data["scan"],
                by=self.request.user,
            )
        except services.ScanRejected as rejected:
            for message in rejected.messages():
                form.add_error("scan", message)
            if len(rejected.errors) > 50:
                form.add_error("scan", f"……共 {len(rejected.errors)} 行有误，以上为前 50 行。")
            form.add_error(None, f"扫描结果未导入：{len(rejected.errors)} 处错误，整份文件未写入。")
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if run.state == Reconciliation.State.PENDING:
            messages.info(self.request, f"已上传 {run.total_rows} 条扫描记录，正在后台比对。")
        else:
            messages.success(
                self.request, f"比对完成：{run.total_rows} 条扫描记录，发现差异 {run.items.count()} 条。"
            )
        return HttpResponseRedirect(run.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def reconciliation_job_context(run):
    """The shared job progress block (DESIGN.md §9) for a run's comparison."""
    return {
        "job": run.job if run.state == Reconciliation.State.PENDING else None,
        "poll_url": reverse("assets:reconciliation_progress", args=[run.pk]),
        "label": "比对进度",
        "result_template": "assets/reconciliation_result.html",
    }


def run_context(request, run):
    user = request.user
    items = run.items.select_related("asset", "incident", "resolved_by__profile")
    filterset = ReconciliationItemFilterSet(request.GET, queryset=items)
    style_filter_form(filterset.form)
    may_resolve = run.state == Reconciliation.State.OPEN and services.can_resolve(user, run)
    table = ReconciliationItemTable(filterset.qs if filterset.is_valid() else items, can_resolve=may_resolve)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    counts = dict(
        run.items.order_by().values_list("resolution").annotate(n=Count("pk")).values_list("resolution", "n")
    )
    open_count = counts.get(ReconciliationItem.Resolution.OPEN, 0)
    return {
        "filter": filterset,
        "table": table,
        "item_total": sum(counts.values()),
        "open_count": open_count,
        "may_resolve": may_resolve,
        "may_sign_off": run.state == Reconciliation.State.OPEN and services.can_sign_off(user, run),
        "sign_off_form": SignOffForm(),
        "obligation": run.obligation or services.obligation_for(run.zone, run.month),
        **reconciliation_job_context(run),
    }


@register_model_view(Reconciliation, "detail")
class ReconciliationView(RUNS.generic_view("detail")):
    template_name = "assets/reconciliation.html"
    related = ("uploaded_by__profile", "signed_off_by__profile", "obligation", "department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(run_context(self.request, self.object))
        return context


@register_model_view(Reconciliation, "progress")
@login_required
def reconciliation_progress(request, pk):
    """The htmx partial polled every second while the comparison runs; when it is done the page
    reloads (HX-Refresh) to show the items."""
    run = visible_object_or_404(Reconciliation, request.user, pk)
    response = render(request, "jobs/progress.html", {"object": run, **reconciliation_job_context(run)})
    if run.state != Reconciliation.State.PENDING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@register_model_view(Reconciliation, "sign_off")
@login_required
@require_POST
def reconciliation_sign_off(request, pk):
    run = visible_object_or_404(Reconciliation, request.user, pk)
    form = SignOffForm(request.POST)
    form.is_valid()
    try:
        run = services.sign_off(run, by=request.user, note=form.cleaned_data.get("sign_off_note", ""))
    except ValidationError as error:
        messages.error(request, "未能签核：" + "；".join(error.messages))
        return HttpResponseRedirect(run.get_absolute_url())
    obligation = run.obligation
    message = "已签核。"
    if obligation is not None:
        message += f"“{obligation}”：{obligation.get_state_display()}。"
    messages.success(request, message)
    return HttpResponseRedirect(run.get_absolute_url())


# The resolve form names the device by its asset number; the service's keys for it are these.
RESOLVE_FIELD_MAP = {
    "asset": "asset_number",
    "mac": "asset_number",
    "ip": "asset_number",
    "zone": "asset_number",
}


@register_model_view(
    Reconciliation, "item_resolve", path="items/<int:item_pk>", url_name="reconciliationitem_resolve"
)
class ReconciliationItemResolveView(LoginRequiredMixin, TemplateView):
    """One discrepancy: what was seen, its history, and (while open) the resolution form."""

    template_name = "assets/reconciliationitem_resolve.html"

    def setup_item(self):
        self.run = visible_object_or_404(Reconciliation, self.request.user, self.kwargs["pk"])
        self.item = get_object_or_404(
            self.run.items.select_related("asset", "assignment", "incident", "resolved_by__profile"),
            pk=self.kwargs["item_pk"],
        )
        self.may_resolve = (
            self.run.state == Reconciliation.State.OPEN
            and self.item.resolution == ReconciliationItem.Resolution.OPEN
            and services.can_resolve(self.request.user, self.run)
        )

    def get(self, request, *args, **kwargs):
        self.setup_item()
        form = ResolveItemForm(user=request.user, item=self.item) if self.may_resolve else None
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_item()
        if not services.can_resolve(request.user, self.run):
            raise PermissionDenied("您没有权限处理该核查的差异。")
        form = ResolveItemForm(request.POST, user=request.user, item=self.item)
        if form.is_valid():
            try:
                kwargs = form.service_kwargs(self.run)
                item = services.resolve(self.item, form.cleaned_data["resolution"], by=request.user, **kwargs)
            except ValidationError as error:
                add_service_errors(form, error, RESOLVE_FIELD_MAP)
                self.item.refresh_from_db()
            else:
                messages.success(request, f"已处理：{item}（{item.get_resolution_display()}）。")
                return HttpResponseRedirect(self.run.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            run=self.run,
            item=self.item,
            title=f"处理差异：{self.item}",
            item_history=list(
                self.item.history.select_related("history_user__profile").order_by("-history_date")
            ),
        )
        return context
