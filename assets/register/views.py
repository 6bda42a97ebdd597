"""The register's screens: list, detail and edit (declared once, core.registry), the export and
the batch import in the import format, the label sheet, and the compliance list. Each action calls
one service; a service's ValidationError is shown next to the field it names (400)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.responses import pdf_response
from szmz_security.core.views import ObjectListView

from . import imports, resources, services
from .filters import AssetFilterSet, ComplianceFilterSet
from .forms import AssetForm
from .labels import labels_pdf
from .models import Asset, AssetImport
from .tables import AssetTable, ComplianceTable

ASSETS = register_model(
    Asset,
    path="",
    table=AssetTable,
    filterset=AssetFilterSet,
    form=AssetForm,
    title="资产台账",
    export_filename="assets",
    actions=("list", "detail", "add", "edit", "delete", "history"),
    related=("department", "custodian__profile"),
)


class ServiceEditMixin:
    """An edit view whose save is a service call (``save_form``; the core's edit view puts a
    refusal next to the field); a form refused on its own fields answers 400 too."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def filtered_assets(request, data):
    """The visible assets under the list's filter ``data`` (the export and the labels use this)."""
    visible = Asset.objects.visible_to(request.user, "view")
    filterset = AssetFilterSet(data, queryset=visible, request=request)
    return filterset.qs if filterset.is_valid() else visible


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet(content, fmt, filename):
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@register_model_view(Asset, "list")
class AssetListView(ASSETS.generic_view("list")):
    template_name = "assets/asset_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            may_import=services.may_import(self.request.user),
            labels_max=services.register_setting("ASSET_LABELS_MAX"),
        )
        return context


@register_model_view(Asset, "detail")
class AssetView(ASSETS.generic_view("detail")):
    template_name = "assets/asset.html"

    def get_queryset(self):
        # The network section (assets/includes/asset_network.html) reads object.macs.all and
        # object.ip_assignments.all: prefetched here.
        return (
            super()
            .get_queryset()
            .select_related("department", "custodian__profile")
            .prefetch_related("macs", "ip_assignments__subnet")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        annotated = services.with_compliance(Asset.objects.filter(pk=self.object.pk)).first()
        context["problems"] = services.compliance_reasons(annotated) if annotated else []
        return context


@register_model_view(Asset, "add")
@register_model_view(Asset, "edit")
class AssetEditView(ServiceEditMixin, ASSETS.generic_view("edit")):
    template_name = "assets/asset_edit.html"

    def save_form(self, form):
        return services.save_asset(form.save(commit=False), by=self.request.user)


@register_model_view(Asset, "export", detail=False)
@login_required
def asset_export(request):
    """The filtered list in the import format (CSV or XLSX), so it can be edited and imported
    again; audited."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    content = resources.export_bytes(filtered_assets(request, request.GET), fmt)
    record(
        AuditEvent.Kind.EXPORT,
        request=request,
        model=Asset._meta.label,
        format=fmt,
        query=request.GET.urlencode(),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return spreadsheet(content, fmt, f"assets-{stamp}.{fmt}")


@login_required
def asset_import_template(request):
    """An empty spreadsheet with the import columns."""
    return spreadsheet(
        resources.export_bytes(Asset.objects.none(), "xlsx"), "xlsx", "asset-import-template.xlsx"
    )


@register_model_view(Asset, "import_add", path="import", detail=False, url_name="asset_import_add")
class AssetImportView(LoginRequiredMixin, TemplateView):
    """批量导入: upload a CSV or XLSX file; it is validated whole and written all or nothing."""

    template_name = "assets/assetimport_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_import(request.user):
            raise PermissionDenied("您没有权限导入资产。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title="批量导入资产",
            columns=list(resources.COLUMN_LABELS.values()),
            required=[resources.COLUMN_LABELS[name] for name in resources.REQUIRED],
            max_rows=services.register_setting("ASSET_IMPORT_MAX_ROWS"),
            max_mb=services.register_setting("ASSET_IMPORT_MAX_MB"),
            recent=AssetImport.objects.filter(created_by=self.request.user)[:10],
        )
        return context

    def post(self, request, *args, **kwargs):
        uploaded = request.FILES.get("file")
        error = None
        if uploaded is None:
            error = "请选择要导入的文件。"
        else:
            try:
                job = imports.start_import(uploaded, request.user)
            except imports.FileRefused as refused:
                error = str(refused)
        if error:
            return self.render_to_response(self.get_context_data(error=error), status=400)
        return redirect(job)


def own_import(request, pk):
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(AssetImport.objects.select_related("created_by"), pk=pk, created_by=request.user)


ERRORS_SHOWN = 500


def import_context(upload):
    return {
        "upload": upload,
        "unchanged": max(0, upload.total_rows - upload.created_count - upload.updated_count),
        "errors_shown": upload.errors[:ERRORS_SHOWN],
        "error_total": len(upload.errors),
        "errors_capped": len(upload.errors) > ERRORS_SHOWN,
        # The shared job progress block (DESIGN.md §9).
        "job": upload.job,
        "poll_url": reverse("assets:asset_import_progress", args=[upload.pk]),
        "label": "导入进度",
        "result_template": "assets/assetimport_result.html",
    }


@login_required
def asset_import(request, pk):
    upload = own_import(request, pk)
    return render(request, "assets/assetimport.html", {**import_context(upload), "title": f"导入：{upload}"})


@login_required
def asset_import_progress(request, pk):
    """The htmx partial polled every second while the import runs."""
    return render(request, "jobs/progress.html", import_context(own_import(request, pk)))


@register_model_view(Asset, "labels", detail=False)
@login_required
@require_POST
def asset_labels(request):
    """A PDF sheet of labels for the selected assets (or the current filter); audited."""
    limit = int(services.register_setting("ASSET_LABELS_MAX"))
    back = f"{reverse('assets:asset_list')}?{request.POST.get('query', '')}"
    if request.POST.get("scope") == "filter":
        queryset = filtered_assets(request, QueryDict(request.POST.get("query", "")))
    else:
        ids = [int(value) for value in request.POST.getlist("pk") if value.isdigit()]
        queryset = Asset.objects.visible_to(request.user, "view").filter(pk__in=ids[: limit + 1])
    queryset = queryset.select_related("department").order_by("number")
    assets = list(queryset[: limit + 1])
    if not assets:
        messages.error(request, "未选择任何资产：请先勾选要打印标签的资产，或按当前筛选条件打印。")
        return HttpResponseRedirect(back)
    if len(assets) > limit:
        messages.error(request, f"一次最多打印 {limit:,} 个标签，请缩小筛选范围或分批勾选。")
        return HttpResponseRedirect(back)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return pdf_response(
        request,
        labels_pdf(assets, request),
        f"asset-labels-{stamp}.pdf",
        document="asset_labels",
        model=Asset._meta.label,
        count=len(assets),
        numbers=[asset.number for asset in assets[:50]],
    )


@register_model_view(Asset, "compliance", detail=False, url_name="compliance_list")
class ComplianceListView(ObjectListView):
    """合规检查: every visible asset breaking a rule, with the reasons."""

    model = Asset
    table_class = ComplianceTable
    filterset_class = ComplianceFilterSet
    template_name = "assets/compliance_list.html"
    title = "资产合规检查"
    export_filename = "asset-compliance"
    actions = ("export",)

    def get_queryset(self):
        visible = super().get_queryset().select_related("department", "custodian__profile")
        return services.with_compliance(visible)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Asset.objects.visible_to(self.request.user, "view")
        conditions = services.compliance_conditions()
        counts = visible.aggregate(
            **{code: Count("pk", filter=condition) for code, condition in conditions.items()}
        )
        context["rule_counts"] = [(rule, counts[rule.code]) for rule in services.compliance_rules()]
        return context
