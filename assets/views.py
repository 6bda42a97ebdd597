"""Asset screens: the register (list, detail, edit, export, batch import, labels), the
compliance list, the machine room and its logs, and the IP plan — subnets, IP assignments, the MAC
register and the monthly IP/MAC reconciliation. Views stay thin: each action calls one service; a
service's ValidationError is shown next to the field it names (400).
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.forms import style_filter_form
from szmz_security.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    visible_object_or_404,
)
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import MANAGE_DEPARTMENT_PERMISSION, can

from . import reconciliation, resources, services
from .filters import (
    AssetFilterSet,
    ComplianceFilterSet,
    IPAssignmentFilterSet,
    MacAddressFilterSet,
    MachineRoomFilterSet,
    ReconciliationFilterSet,
    ReconciliationItemFilterSet,
    SubnetFilterSet,
)
from .forms import (
    AssetForm,
    BackupRecordForm,
    DepartureForm,
    FireCheckForm,
    IPAssignmentForm,
    MacAddressForm,
    MachineRoomForm,
    ReconciliationUploadForm,
    ResolveItemForm,
    RoomAccessForm,
    RoomChangeForm,
    SignOffForm,
    SubnetForm,
    add_service_errors,
)
from .labels import labels_pdf
from .models import (
    Asset,
    AssetImport,
    IPAssignment,
    MacAddress,
    MachineRoom,
    Reconciliation,
    ReconciliationItem,
    RoomAccess,
    Subnet,
)
from .tables import (
    AssetTable,
    ComplianceTable,
    IPAssignmentTable,
    MacAddressTable,
    MachineRoomTable,
    ReconciliationItemTable,
    ReconciliationTable,
    SubnetTable,
    utilisation_text,
)


class ServiceEditMixin:
    """An edit view whose save is a service call (``save_form``); its ValidationError goes next to
    the field, and a record being created stays new."""

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
            return self.form_invalid(form)
        messages.success(self.request, f"已保存：{self.object}")
        return HttpResponseRedirect(self.object.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- the register ---------------------------------------------------------------------------------


def filtered_assets(request, queryset=None):
    """The visible assets under the list's current filter (exports and labels use this)."""
    visible = queryset if queryset is not None else Asset.objects.visible_to(request.user, "view")
    filterset = AssetFilterSet(request.GET, queryset=visible, request=request)
    return filterset.qs if filterset.is_valid() else visible


def may_import(user):
    return user.has_perm("assets.add_asset") or user.has_perm(MANAGE_DEPARTMENT_PERMISSION)


class AssetListView(ObjectListView):
    model = Asset
    table_class = AssetTable
    filterset_class = AssetFilterSet
    template_name = "assets/asset_list.html"
    title = "资产台账"
    export_filename = "assets"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "custodian__profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            may_import=may_import(self.request.user),
            labels_max=services.register_setting("ASSET_LABELS_MAX"),
        )
        return context


class AssetView(ObjectView):
    model = Asset
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


class AssetEditView(ServiceEditMixin, ObjectEditView):
    model = Asset
    form_class = AssetForm
    template_name = "assets/asset_edit.html"

    def save_form(self, form):
        return services.save_asset(form.save(commit=False), by=self.request.user)


class AssetDeleteView(ObjectDeleteView):
    model = Asset


class AssetHistoryView(ObjectHistoryView):
    model = Asset


# --- export, import, labels -----------------------------------------------------------------------


@login_required
def asset_export(request):
    """The filtered list in the import format (CSV or XLSX), so it can be edited and imported
    again; audited."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    queryset = filtered_assets(request)
    content = resources.export_bytes(queryset, fmt)
    record(
        AuditEvent.Kind.EXPORT,
        request=request,
        model=Asset._meta.label,
        format=fmt,
        query=request.GET.urlencode(),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="assets-{stamp}.{fmt}"'
    return response


@login_required
def asset_import_template(request):
    """An empty spreadsheet with the import columns."""
    content = resources.export_bytes(Asset.objects.none(), "xlsx")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="asset-import-template.xlsx"'
    return response


class AssetImportView(LoginRequiredMixin, TemplateView):
    """批量导入: upload a CSV or XLSX file; it is validated whole and written all or nothing."""

    template_name = "assets/assetimport_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import(request.user):
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
                job = resources.start_import(uploaded, request.user)
            except resources.FileRefused as refused:
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


@login_required
@require_POST
def asset_labels(request):
    """A PDF sheet of labels for the selected assets (or the current filter); audited."""
    limit = int(services.register_setting("ASSET_LABELS_MAX"))
    back = f"{reverse('assets:asset_list')}?{request.POST.get('query', '')}"
    visible = Asset.objects.visible_to(request.user, "view")
    if request.POST.get("scope") == "filter":
        filterset = AssetFilterSet(
            QueryDict(request.POST.get("query", "")), queryset=visible, request=request
        )
        queryset = filterset.qs if filterset.is_valid() else visible
    else:
        ids = [int(value) for value in request.POST.getlist("pk") if value.isdigit()]
        queryset = visible.filter(pk__in=ids[: limit + 1])
    queryset = queryset.select_related("department").order_by("number")
    assets = list(queryset[: limit + 1])
    if not assets:
        messages.error(request, "未选择任何资产：请先勾选要打印标签的资产，或按当前筛选条件打印。")
        return HttpResponseRedirect(back)
    if len(assets) > limit:
        messages.error(request, f"一次最多打印 {limit:,} 个标签，请缩小筛选范围或分批勾选。")
        return HttpResponseRedirect(back)
    pdf = labels_pdf(assets, request)
    record(
        AuditEvent.Kind.PRINT,
        request=request,
        model=Asset._meta.label,
        document="asset_labels",
        count=len(assets),
        numbers=[asset.number for asset in assets[:50]],
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=f"asset-labels-{stamp}.pdf",
        content_type="application/pdf",
    )


# --- compliance -----------------------------------------------------------------------------------


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


# --- the machine room -----------------------------------------------------------------------------


class MachineRoomListView(ObjectListView):
    model = MachineRoom
    table_class = MachineRoomTable
    filterset_class = MachineRoomFilterSet
    title = "机房"
    export_filename = "machine-rooms"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "responsible__profile")


ROOM_PAGE_SIZE = 10


class MachineRoomView(ObjectView):
    model = MachineRoom
    template_name = "assets/machineroom.html"
    forms = None
    open_form = None

    def get_queryset(self):
        return super().get_queryset().select_related("department", "responsible__profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        room = self.object
        request = self.request

        def page(queryset, name):
            return Paginator(queryset, ROOM_PAGE_SIZE).get_page(request.GET.get(name))

        may_record = context["can_change"]
        forms = {
            "access_form": RoomAccessForm(room=room),
            "change_form": RoomChangeForm(room=room, user=request.user),
            "backup_form": BackupRecordForm(),
            "fire_form": FireCheckForm(),
            "departure_form": DepartureForm(),
        }
        forms.update(self.forms or {})
        context.update(
            forms,
            may_record=may_record,
            open_form=self.open_form,
            accesses=page(
                room.accesses.select_related("approved_by__profile", "recorded_by__profile"), "access_page"
            ),
            changes=page(
                room.changes.select_related("approved_by__profile", "performed_by__profile", "asset"),
                "change_page",
            ),
            backups=page(room.backups.select_related("performed_by__profile", "obligation"), "backup_page"),
            fire_checks=page(
                room.fire_checks.select_related("checked_by__profile", "obligation"), "fire_page"
            ),
            open_obligations=list(
                room.obligations.filter(state=Obligation.State.OPEN).order_by("due_at")[:10]
            ),
            can_view_obligations=request.user.has_perm("obligations.view_obligation"),
        )
        return context


class MachineRoomEditView(ObjectEditView):
    model = MachineRoom
    form_class = MachineRoomForm

    def save_form(self, form):
        room = form.save(commit=False)
        room._change_reason = "登记机房" if room.pk is None else "编辑机房信息"
        room.save()
        return room


class MachineRoomHistoryView(ObjectHistoryView):
    model = MachineRoom


class RoomActionView(MachineRoomView):
    """A POST from the room page recording one log entry: officers and the room's department
    heads (change permission on the room); others of the department 403, anyone else 404."""

    http_method_names = ["post"]
    form_name = None

    def get_object(self, queryset=None):
        room = super(ObjectView, self).get_object(queryset)
        if not can(self.request.user, "change", room):
            raise PermissionDenied("只有安全员或本部门负责人可以登记机房记录。")
        return room

    def make_form(self, room):
        raise NotImplementedError

    def perform(self, form, room):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = room = self.get_object()
        form = self.make_form(room)
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.perform(form, room)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(room)
        self.forms = {self.form_name: form}
        self.open_form = self.form_name
        return self.render_to_response(self.get_context_data(object=room), status=400)


class RoomAccessAddView(RoomActionView):
    form_name = "access_form"

    def make_form(self, room):
        return RoomAccessForm(self.request.POST, room=room)

    def perform(self, form, room):
        access = services.record_access(room, by=self.request.user, **form.cleaned_data)
        return f"已登记进入机房：{access}"


class RoomDepartureView(RoomActionView):
    form_name = "departure_form"

    def make_form(self, room):
        return DepartureForm(self.request.POST)

    def perform(self, form, room):
        access = get_object_or_404(RoomAccess, pk=self.kwargs["access_pk"], room=room)
        services.record_departure(access, by=self.request.user, left_at=form.cleaned_data["left_at"])
        return f"已登记离开：{access}"


class RoomChangeAddView(RoomActionView):
    form_name = "change_form"

    def make_form(self, room):
        return RoomChangeForm(self.request.POST, room=room, user=self.request.user)

    def perform(self, form, room):
        data = dict(form.cleaned_data)
        data["asset"] = data.pop("asset_number")
        change = services.record_change(room, by=self.request.user, **data)
        return f"已登记变更：{change}"


class BackupRecordAddView(RoomActionView):
    form_name = "backup_form"

    def make_form(self, room):
        return BackupRecordForm(self.request.POST)

    def perform(self, form, room):
        backup = services.record_backup(
            room, by=self.request.user, performed_by=self.request.user, **form.cleaned_data
        )
        if not backup.succeeded:
            return f"已登记 {backup.date:%Y-%m-%d} 的备份（失败）。当日备份义务仍未完成，重新备份成功后请再次登记。"
        late = backup.obligation is not None and backup.obligation.state == Obligation.State.MET_LATE
        return f"已登记 {backup.date:%Y-%m-%d} 的备份记录" + ("（逾期完成）。" if late else "。")


class FireCheckAddView(RoomActionView):
    form_name = "fire_form"

    def make_form(self, room):
        return FireCheckForm(self.request.POST)

    def perform(self, form, room):
        check = services.record_fire_check(
            room, by=self.request.user, checked_by=self.request.user, **form.cleaned_data
        )
        return f"已登记{check.month:%Y年%m月}的消防器材检查。"


# --- subnets --------------------------------------------------------------------------------------


class SubnetListView(ObjectListView):
    model = Subnet
    table_class = SubnetTable
    filterset_class = SubnetFilterSet
    title = "网段"
    export_filename = "subnets"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department")
            .annotate(assignment_count=Count("assignments"))
        )


class SubnetView(ObjectView):
    model = Subnet
    template_name = "assets/subnet.html"
    shown_assignments = 50

    def get_queryset(self):
        return super().get_queryset().select_related("department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subnet = self.object
        visible = IPAssignment.objects.visible_to(self.request.user, "view").filter(subnet=subnet)
        used = subnet.assignments.count()
        context.update(
            used=used,
            utilisation=utilisation_text(subnet, used),
            assignments=list(
                visible.select_related("asset").order_by("assigned_at", "pk")[: self.shown_assignments]
            ),
            assignments_url=f"{reverse('assets:ipassignment_list')}?subnet={subnet.pk}",
            may_assign=self.request.user.has_perm("assets.add_ipassignment"),
        )
        return context


class SubnetEditView(ServiceEditMixin, ObjectEditView):
    model = Subnet
    form_class = SubnetForm

    def save_form(self, form):
        return services.save_subnet(form.save(commit=False), by=self.request.user)


class SubnetDeleteView(ObjectDeleteView):
    model = Subnet

    def perform_delete(self, obj):
        services.delete_subnet(obj, by=self.request.user)


class SubnetHistoryView(ObjectHistoryView):
    model = Subnet


# --- IP assignments -------------------------------------------------------------------------------


class IPAssignmentListView(ObjectListView):
    model = IPAssignment
    table_class = IPAssignmentTable
    filterset_class = IPAssignmentFilterSet
    title = "IP 分配"
    export_filename = "ip-assignments"

    def get_queryset(self):
        return super().get_queryset().select_related("subnet", "asset", "department")


class IPAssignmentView(ObjectView):
    model = IPAssignment
    template_name = "assets/ipassignment.html"

    def get_queryset(self):
        return super().get_queryset().select_related("subnet", "asset", "department")


class IPAssignmentEditView(ServiceEditMixin, ObjectEditView):
    model = IPAssignment
    form_class = IPAssignmentForm

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("asset"):
            initial["asset"] = self.request.GET["asset"]
        if self.request.GET.get("zone"):
            initial["zone"] = self.request.GET["zone"]
        return initial

    def save_form(self, form):
        data = form.cleaned_data
        fields = {
            "ip": data["ip"],
            "zone": data["zone"],
            "mac": data.get("mac") or "",
            "asset": data.get("asset"),
            "hostname": data.get("hostname") or "",
            "note": data.get("note") or "",
        }
        user = self.request.user
        if form.instance.pk is None:
            return services.assign_ip(**fields, by=user)
        return services.update_assignment(form.instance, by=user, **fields)


class IPAssignmentDeleteView(ObjectDeleteView):
    model = IPAssignment

    def perform_delete(self, obj):
        services.delete_assignment(obj, by=self.request.user)


class IPAssignmentHistoryView(ObjectHistoryView):
    model = IPAssignment


# --- the MAC register -----------------------------------------------------------------------------


class MacAddressListView(ObjectListView):
    model = MacAddress
    table_class = MacAddressTable
    filterset_class = MacAddressFilterSet
    title = "MAC 地址登记"
    export_filename = "mac-addresses"

    def get_queryset(self):
        return super().get_queryset().select_related("asset", "department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [row.record.pk for row in context["table"].paginated_rows]
        # The rows of this page the user may delete, in one query (the table's delete buttons).
        context["deletable"] = set(
            MacAddress.objects.visible_to(self.request.user, "delete")
            .filter(pk__in=rows)
            .values_list("pk", flat=True)
        )
        return context


class MacAddressAddView(LoginRequiredMixin, FormView):
    form_class = MacAddressForm
    template_name = "generic/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("assets.add_macaddress"):
            raise PermissionDenied("您没有权限登记 MAC 地址。")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return {"asset_number": self.request.GET.get("asset", "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(is_new=True, model_meta=MacAddress._meta, object=None)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                mac = services.register_mac(
                    mac=data["mac"], asset=data["asset"], interface=data["interface"], by=self.request.user
                )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, f"已登记 MAC {mac}（资产 {mac.asset.number}）。")
        return HttpResponseRedirect(mac.asset.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MacAddressDeleteView(ObjectDeleteView):
    model = MacAddress

    def perform_delete(self, obj):
        services.delete_mac(obj, by=self.request.user)


# --- reconciliation -------------------------------------------------------------------------------


class ReconciliationListView(ObjectListView):
    model = Reconciliation
    table_class = ReconciliationTable
    filterset_class = ReconciliationFilterSet
    title = "IP/MAC 月度核查"
    export_filename = "reconciliations"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("uploaded_by__profile")
            .annotate(
                item_count=Count("items"),
                open_count=Count("items", filter=Q(items__resolution=ReconciliationItem.Resolution.OPEN)),
            )
        )

    def add_url(self):
        if not self.request.user.has_perm("assets.add_reconciliation"):
            return None
        return reverse("assets:reconciliation_add")


class ReconciliationAddView(LoginRequiredMixin, FormView):
    """上传扫描结果: the whole file is validated first; a bad row refuses it (400, every bad line)."""

    form_class = ReconciliationUploadForm
    template_name = "assets/reconciliation_add.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("assets.add_reconciliation"):
            raise PermissionDenied("您没有权限上传核查扫描结果。")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"source": Reconciliation.Source.ARP}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            run = reconciliation.start_reconciliation(
                zone=data["zone"],
                source=data["source"],
                month=data.get("month"),
                upload=data["scan"],
                by=self.request.user,
            )
        except reconciliation.ScanRejected as rejected:
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
    may_resolve = run.state == Reconciliation.State.OPEN and reconciliation.can_resolve(user, run)
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
        "may_sign_off": run.state == Reconciliation.State.OPEN
        and user.has_perm(reconciliation.SIGN_OFF_PERMISSION)
        and reconciliation.can_resolve(user, run),
        "sign_off_form": SignOffForm(),
        "obligation": run.obligation or reconciliation.obligation_for(run.zone, run.month),
        **reconciliation_job_context(run),
    }


class ReconciliationView(ObjectView):
    model = Reconciliation
    template_name = "assets/reconciliation.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("uploaded_by__profile", "signed_off_by__profile", "obligation", "department")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(run_context(self.request, self.object))
        return context


class ReconciliationHistoryView(ObjectHistoryView):
    model = Reconciliation


@login_required
def reconciliation_progress(request, pk):
    """The htmx partial polled every second while the comparison runs; when it is done the page
    reloads (HX-Refresh) to show the items."""
    run = visible_object_or_404(Reconciliation, request.user, pk)
    response = render(request, "jobs/progress.html", {"object": run, **reconciliation_job_context(run)})
    if run.state != Reconciliation.State.PENDING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def reconciliation_sign_off(request, pk):
    run = visible_object_or_404(Reconciliation, request.user, pk)
    form = SignOffForm(request.POST)
    form.is_valid()
    try:
        run = reconciliation.sign_off(run, by=request.user, note=form.cleaned_data.get("sign_off_note", ""))
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
            and reconciliation.can_resolve(self.request.user, self.run)
        )

    def get(self, request, *args, **kwargs):
        self.setup_item()
        form = ResolveItemForm(user=request.user, item=self.item) if self.may_resolve else None
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_item()
        if not reconciliation.can_resolve(request.user, self.run):
            raise PermissionDenied("您没有权限处理该核查的差异。")
        form = ResolveItemForm(request.POST, user=request.user, item=self.item)
        if form.is_valid():
            try:
                with transaction.atomic():
                    kwargs = form.service_kwargs(self.run)
                    item = reconciliation.resolve(
                        self.item, form.cleaned_data["resolution"], by=request.user, **kwargs
                    )
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
