"""Removable-media screens. Views stay thin: each action calls one service; a service's
ValidationError is shown on the page (400), PermissionDenied is 403, a record outside the access
rule 404. Check-outs, inventory lines and the like are reached through their parent's
``visible_to``.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    object_urls,
    visible_object_or_404,
)
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import can, can_read_content, creatable_departments
from szmz_security.org.models import Department

from . import services
from .filters import (
    DestructionRequestFilterSet,
    InventoryFilterSet,
    MediumFilterSet,
    RepairRequestFilterSet,
    VendorFilterSet,
)
from .forms import (
    CheckoutForm,
    CommentForm,
    CompleteDestructionForm,
    DestructionRequestForm,
    EmptyForm,
    InventoryOpenForm,
    LineForm,
    LostForm,
    MediumForm,
    NoteForm,
    RejectForm,
    RepairRequestForm,
    ReturnForm,
    SendForm,
    SignForm,
    VendorForm,
    add_service_errors,
)
from .models import Checkout, DestructionRequest, Inventory, InventoryLine, Medium, RepairRequest, Vendor
from .reports import inventory_pdf, label_sheet_pdf
from .tables import (
    CheckoutTable,
    DestructionRequestTable,
    InventoryTable,
    MediumTable,
    RepairRequestTable,
    VendorTable,
)

LABEL_LIMIT = 500


def active_checkouts_prefetch():
    return Prefetch(
        "checkouts",
        queryset=Checkout.objects.filter(state=Checkout.State.CHECKED_OUT).order_by(),
        to_attr="active_checkouts",
    )


# --- the ledger -----------------------------------------------------------------------------------


class MediumListView(ObjectListView):
    model = Medium
    table_class = MediumTable
    filterset_class = MediumFilterSet
    template_name = "media_control/medium_list.html"
    title = "移动介质台账"
    export_filename = "media"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department", "custodian__profile")
            .prefetch_related(active_checkouts_prefetch())
        )


class MyMediaListView(MediumListView):
    """我的介质: media I keep, and media I have an open check-out of."""

    title = "我的介质"
    export_filename = "my-media"

    def get_queryset(self):
        user = self.request.user
        mine = Checkout.objects.filter(requester=user, state__in=Checkout.OPEN_STATES).values("medium")
        return super().get_queryset().filter(Q(custodian=user) | Q(pk__in=mine))

    def add_url(self):
        return None


class MediumEditView(ObjectEditView):
    model = Medium
    form_class = MediumForm
    template_name = "generic/object_edit.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj is not None and obj.is_destroyed:
            raise PermissionDenied("该介质已销毁，记录只读。")
        return obj

    def form_valid(self, form):
        creating = form.instance.pk is None
        try:
            with transaction.atomic():
                self.object = services.save_medium(form.save(commit=False), by=self.request.user)
        except ValidationError as error:
            if creating:
                form.instance.pk = None
                form.instance._state.adding = True
                self.object = None
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, f"已保存：{self.object}（{self.object.marking}）")
        return redirect(self.object)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MediumDeleteView(ObjectDeleteView):
    model = Medium

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.is_destroyed:
            raise PermissionDenied("该介质已销毁，记录只读。")
        return obj

    def perform_delete(self, obj):
        services.delete_medium(obj, by=self.request.user)


class MediumHistoryView(ObjectHistoryView):
    model = Medium


class MediumView(ObjectView):
    model = Medium
    template_name = "media_control/medium.html"
    forms = None
    open_form = None

    def get_queryset(self):
        return super().get_queryset().select_related("department", "custodian__profile", "incident")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.content_visible:  # else the redacted page (need-to-know) shows no content
            context.update(self.detail_context(context))
        return context

    def detail_context(self, context):
        user = self.request.user
        medium = self.object
        checkouts = list(
            medium.checkouts.select_related(
                "requester__profile",
                "head_approved_by__profile",
                "secrecy_approved_by__profile",
                "rejected_by__profile",
                "handed_out_by__profile",
                "received_by__profile",
                "obligation",
            )
        )
        manager = services.can_manage(user, medium) and not medium.is_destroyed
        for checkout in checkouts:
            checkout.user_can_approve = services.can_approve(user, checkout)
            checkout.user_can_reject = checkout.user_can_approve or (
                checkout.state == Checkout.State.APPROVED and manager and checkout.requester_id != user.pk
            )
            checkout.user_can_hand_out = checkout.state == Checkout.State.APPROVED and manager
            checkout.user_can_return = checkout.state == Checkout.State.CHECKED_OUT and manager
        checkout_ct = ContentType.objects.get_for_model(Checkout)
        obligations = list(
            Obligation.objects.filter(
                subject_type=checkout_ct, subject_id__in=[checkout.pk for checkout in checkouts]
            ).select_related("assignee__profile", "met_by__profile")
        )
        forms = {
            "comment_form": CommentForm(),
            "reject_form": RejectForm(),
            "return_form": ReturnForm(),
        }
        forms.update(self.forms or {})
        open_checkout = medium.status == Medium.Status.IN_STOCK and not any(c.is_open for c in checkouts)
        return {
            **forms,
            "open_form": self.open_form,
            "checkouts": checkouts,
            "obligations": obligations,
            "repairs": list(medium.repairs.select_related("vendor", "requested_by__profile")),
            "destructions": list(medium.destructions.select_related("vendor", "requested_by__profile")),
            "inventory_lines": list(
                medium.inventory_lines.select_related("inventory", "checked_by__profile").order_by(
                    "-inventory__year"
                )
            ),
            "can_request_checkout": open_checkout
            and not medium.is_destroyed
            and user.has_perm("media_control.add_checkout"),
            "can_report_lost": services.can_report_lost(user, medium),
            "can_request_repair": medium.status == Medium.Status.IN_STOCK
            and (user.has_perm("media_control.add_repairrequest") or medium.custodian_id == user.pk),
            "can_request_destruction": medium.status == Medium.Status.IN_STOCK
            and (user.has_perm("media_control.add_destructionrequest") or medium.custodian_id == user.pk),
            "can_change": context.get("can_change") and not medium.is_destroyed,
            "can_delete": context.get("can_delete") and services.is_deletable(medium),
            "can_view_obligations": user.has_perm("obligations.view_obligation"),
        }


class MediumActionView(MediumView):
    """A POST from the medium's detail page acting on one of its check-outs; refused input
    re-renders the page (400) with the error next to the field."""

    http_method_names = ["post"]
    form_class = EmptyForm
    form_name = None

    def get_object(self, queryset=None):
        # Under the access rule (404), without a second VIEW audit event; acting on it needs
        # its content (need-to-know), as a refused form re-renders the page.
        medium = super(ObjectView, self).get_object(queryset)
        if not can_read_content(self.request.user, medium):
            raise PermissionDenied("该介质知悉范围受限，您无权查看其内容。")
        return medium

    def post(self, request, *args, **kwargs):
        self.object = medium = self.get_object()
        self.checkout = get_object_or_404(medium.checkouts.all(), pk=kwargs["checkout_pk"])
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.perform(form, self.checkout)
            except ValidationError as error:
                add_service_errors(form, error, {"reason": "reason", "note": "note"})
            else:
                messages.success(request, message)
                return redirect(medium)
        if self.form_name:
            self.forms = {self.form_name: form}
            self.open_form = f"{self.form_name}-{self.checkout.pk}"
        context = self.get_context_data(object=medium)
        context["action_errors"] = [message for messages_ in form.errors.values() for message in messages_]
        return self.render_to_response(context, status=400)


class CheckoutApproveView(MediumActionView):
    form_class = CommentForm
    form_name = "comment_form"

    def perform(self, form, checkout):
        checkout = services.approve_checkout(
            checkout, by=self.request.user, comment=form.cleaned_data["comment"]
        )
        if checkout.state == Checkout.State.PENDING_SECRECY:
            return "已同意，申请转保密办审批。"
        return "已批准借用申请，申请人将收到通知。"


class CheckoutRejectView(MediumActionView):
    form_class = RejectForm
    form_name = "reject_form"

    def perform(self, form, checkout):
        services.reject_checkout(checkout, by=self.request.user, reason=form.cleaned_data["reason"])
        return "已驳回借用申请。"


class CheckoutHandOutView(MediumActionView):
    def perform(self, form, checkout):
        checkout = services.hand_out(checkout, by=self.request.user)
        return f"已借出，归还期限 {checkout.expected_return_at:%Y-%m-%d %H:%M}（到期提醒借用人）。"


class CheckoutReturnView(MediumActionView):
    form_class = ReturnForm
    form_name = "return_form"

    def perform(self, form, checkout):
        checkout = services.return_checkout(
            checkout,
            by=self.request.user,
            condition=form.cleaned_data["condition"],
            note=form.cleaned_data["note"],
        )
        if checkout.condition != Checkout.Condition.INTACT:
            return f"已登记归还（{checkout.get_condition_display()}）。如介质无法找回，请“报告遗失”。"
        return "已登记归还。"


class MediumPageMixin(LoginRequiredMixin):
    """A page of its own about one medium (the check-out request, the loss report)."""

    template_name = None
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.medium = visible_object_or_404(Medium, request.user, kwargs["pk"], self.action)
        if not can_read_content(request.user, self.medium):
            raise PermissionDenied("该介质知悉范围受限，您无权查看其内容。")
        if self.medium.is_destroyed:
            raise PermissionDenied("该介质已销毁，记录只读。")
        return super().dispatch(request, *args, **kwargs)

    def base_context(self):
        return {
            "object": self.medium,
            "model_meta": Medium._meta,
            "urls": object_urls(Medium, self.medium),
        }


class CheckoutRequestView(MediumPageMixin, TemplateView):
    template_name = "media_control/checkout_request.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        context["form"] = form or CheckoutForm(medium=self.medium)
        return context

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm("media_control.add_checkout"):
            raise PermissionDenied("您没有申请借用介质的权限。")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = CheckoutForm(request.POST, medium=self.medium)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.request_checkout(
                        self.medium,
                        requester=request.user,
                        purpose=data["purpose"],
                        zone=data["zone"],
                        expected_return_at=data["expected_return_at"],
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已提交借用申请，待处室负责人审批。")
                return redirect(self.medium)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReportLostView(MediumPageMixin, TemplateView):
    template_name = "media_control/report_lost.html"

    def check(self):
        if not services.can_report_lost(self.request.user, self.medium):
            raise PermissionDenied("须由保管人、借用人或安全员、保密办报告遗失。")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        context["form"] = form or LostForm()
        return context

    def get(self, request, *args, **kwargs):
        self.check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check()
        form = LostForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    incident = services.report_lost(
                        self.medium, by=request.user, description=form.cleaned_data["description"]
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                clock = "，须在24小时内向保密机关报告" if incident.secret_leak else ""
                messages.warning(request, f"已报告遗失并自动登记安全事件{clock}。")
                return redirect(incident)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CheckoutPendingListView(LoginRequiredMixin, TemplateView):
    """待我审批: the check-outs whose next approval is mine (heads of the medium's department,
    then the secrecy office), never my own requests."""

    template_name = "media_control/checkout_pending.html"

    def get_queryset(self):
        user = self.request.user
        visible = Checkout.objects.filter(medium__in=Medium.objects.visible_to(user, "view").values("pk"))
        condition = Q(pk__in=[])
        heads_of = (
            Department.objects.of_user(user) if user.has_perm(services.MANAGE_DEPARTMENT_PERMISSION) else None
        )
        if heads_of is not None:
            condition |= Q(state=Checkout.State.PENDING_HEAD, medium__department__in=heads_of.values("pk"))
        if services.is_secrecy_office(user):
            condition |= Q(state=Checkout.State.PENDING_SECRECY)
        return (
            visible.filter(condition)
            .exclude(requester=user)
            .select_related("medium", "requester__profile")
            .order_by("created_at")
        )

    def get_context_data(self, **kwargs):
        from django_tables2 import RequestConfig

        context = super().get_context_data(**kwargs)
        table = CheckoutTable(self.get_queryset())
        RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
        context.update(table=table, title="待我审批的介质借用")
        return context


@login_required
def label_sheet(request):
    """Label sheet (PDF) of the visible media matching the list's filters, each with its QR
    code and marking; audited as a print."""
    queryset = Medium.objects.visible_to(request.user, "view").select_related("department")
    filterset = MediumFilterSet(request.GET, queryset=queryset, request=request)
    media = list((filterset.qs if filterset.is_valid() else queryset).order_by("number")[:LABEL_LIMIT])
    pdf = label_sheet_pdf(media)
    record(
        AuditEvent.Kind.PRINT,
        request=request,
        model=Medium._meta.label,
        document="media_labels",
        count=len(media),
        numbers=[medium.number for medium in media[:50]],
        query=request.GET.urlencode(),
    )
    return FileResponse(
        io.BytesIO(pdf), as_attachment=False, filename="media-labels.pdf", content_type="application/pdf"
    )


# --- inventory ------------------------------------------------------------------------------------


def inventory_departments(user):
    """Departments whose inventory the user may open: heads' own, all for officers."""
    if user.has_perm("media_control.add_inventory"):
        return Department.objects.filter(is_active=True)
    if user.has_perm(services.MANAGE_DEPARTMENT_PERMISSION):
        return Department.objects.of_user(user).filter(is_active=True)
    return Department.objects.none()


class InventoryListView(ObjectListView):
    model = Inventory
    table_class = InventoryTable
    filterset_class = InventoryFilterSet
    template_name = "media_control/inventory_list.html"
    title = "介质年度清点"
    export_filename = "media-inventories"
    actions = ("export",)

    def get_queryset(self):
        return super().get_queryset().select_related("department", "obligation", "signed_by__profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        departments = inventory_departments(self.request.user)
        context["open_form"] = InventoryOpenForm(departments=departments) if departments.exists() else None
        return context


@login_required
def inventory_open(request):
    if request.method != "POST":
        raise Http404
    departments = inventory_departments(request.user)
    form = InventoryOpenForm(request.POST, departments=departments)
    if not form.is_valid():
        raise PermissionDenied("您不能为该部门开始清点。")
    from django.utils import timezone

    inventory, created = services.ensure_inventory(form.cleaned_data["department"], timezone.localdate().year)
    messages.success(request, "已开始本年度清点。" if created else "本年度清点已存在。")
    return redirect(inventory)


class InventoryView(ObjectView):
    model = Inventory
    template_name = "media_control/inventory.html"
    forms = None

    def get_queryset(self):
        return super().get_queryset().select_related("department", "obligation", "signed_by__profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        inventory = self.object
        visible = Medium.objects.visible_to(user, "view").values("pk")
        lines = list(
            inventory.lines.filter(medium__in=visible).select_related(
                "medium__custodian__profile", "checked_by__profile"
            )
        )
        can_change = can(user, "change", inventory)
        for line in lines:
            line.user_can_record = not inventory.is_signed and (
                line.medium.custodian_id == user.pk or can_change
            )
        counts = dict(inventory.lines.values_list("result").annotate(n=Count("pk")))
        total = sum(counts.values())
        context.update(
            lines=lines,
            total=total,
            hidden=total - len(lines),
            pending=counts.get(InventoryLine.Result.PENDING, 0),
            present=counts.get(InventoryLine.Result.PRESENT, 0),
            lost=counts.get(InventoryLine.Result.LOST, 0),
            can_sign=can_change and not inventory.is_signed,
            sign_form=(self.forms or {}).get("sign_form") or SignForm(),
            line_form=LineForm(),
            action_errors=(self.forms or {}).get("errors"),
            can_change=False,
            can_delete=False,
        )
        return context


class InventoryActionView(InventoryView):
    http_method_names = ["post"]

    def get_object(self, queryset=None):
        return super(ObjectView, self).get_object(queryset)

    def post(self, request, *args, **kwargs):
        self.object = inventory = self.get_object()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.perform(form, inventory)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(inventory)
        self.forms = {"errors": [m for ms in form.errors.values() for m in ms]}
        if self.form_class is SignForm:
            self.forms["sign_form"] = form
        return self.render_to_response(self.get_context_data(object=inventory), status=400)


class InventoryLineView(InventoryActionView):
    form_class = LineForm

    def perform(self, form, inventory):
        visible = Medium.objects.visible_to(self.request.user, "view").values("pk")
        line = get_object_or_404(inventory.lines.filter(medium__in=visible), pk=self.kwargs["line_pk"])
        line = services.record_line(
            line, by=self.request.user, result=form.cleaned_data["result"], note=form.cleaned_data["note"]
        )
        return f"已清点 {line.medium.number}：{line.get_result_display()}。"


class InventorySignView(InventoryActionView):
    form_class = SignForm

    def perform(self, form, inventory):
        services.sign_inventory(inventory, by=self.request.user, note=form.cleaned_data["note"])
        return "已签署清点，年度清点义务已完成。"


class InventoryHistoryView(ObjectHistoryView):
    model = Inventory


@login_required
def inventory_pdf_view(request, pk):
    inventory = visible_object_or_404(Inventory, request.user, pk)
    visible = Medium.objects.visible_to(request.user, "view").values("pk")
    lines = list(
        inventory.lines.filter(medium__in=visible).select_related(
            "medium__custodian__profile", "checked_by__profile"
        )
    )
    total = inventory.lines.count()
    pdf = inventory_pdf(inventory, lines, hidden=total - len(lines))
    record(AuditEvent.Kind.PRINT, request=request, obj=inventory, document="media_inventory")
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=f"media-inventory-{inventory.year}-{inventory.department.code}.pdf",
        content_type="application/pdf",
    )


# --- vendors --------------------------------------------------------------------------------------


class VendorListView(ObjectListView):
    model = Vendor
    table_class = VendorTable
    filterset_class = VendorFilterSet
    title = "服务单位（维修、销毁）"
    export_filename = "vendors"


class VendorView(ObjectView):
    model = Vendor
    template_name = "media_control/vendor.html"


class VendorEditView(ObjectEditView):
    model = Vendor
    form_class = VendorForm

    def get_success_url(self):
        return self.object.get_absolute_url()


class VendorHistoryView(ObjectHistoryView):
    model = Vendor


# --- repairs and destruction ----------------------------------------------------------------------


def resolve_item(user, number):
    """The medium or asset with this number that the user may see, or a field error."""
    number = (number or "").strip()
    medium = Medium.objects.visible_to(user, "view").filter(number=number).first()
    if medium is not None:
        return medium, None
    from assets.models import Asset

    asset = Asset.objects.visible_to(user, "view").filter(number=number).first()
    if asset is not None:
        return None, asset
    raise ValidationError({"item_number": f"未找到编号为“{number}”的介质或资产（或您无权查看）。"})


class RequestListView(ObjectListView):
    actions = ("export",)
    template_name = "media_control/request_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "medium", "asset", "requested_by__profile")


class RepairRequestListView(RequestListView):
    model = RepairRequest
    table_class = RepairRequestTable
    filterset_class = RepairRequestFilterSet
    title = "外送维修"
    export_filename = "media-repairs"

    def get_queryset(self):
        return super().get_queryset().select_related("vendor")


class DestructionRequestListView(RequestListView):
    model = DestructionRequest
    table_class = DestructionRequestTable
    filterset_class = DestructionRequestFilterSet
    title = "销毁申请"
    export_filename = "media-destructions"


class RequestAddView(LoginRequiredMixin, TemplateView):
    template_name = "media_control/request_add.html"
    form_class = None
    title = None

    def initial(self):
        medium_pk = self.request.GET.get("medium")
        if medium_pk and medium_pk.isdigit():
            medium = Medium.objects.visible_to(self.request.user).filter(pk=medium_pk).first()
            if medium is not None:
                return {"item_number": medium.number}
        return {}

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=form or self.form_class(initial=self.initial()), title=self.title)
        return context

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    medium, asset = resolve_item(request.user, form.cleaned_data["item_number"])
                    obj = self.perform(form, medium, asset)
            except ValidationError as error:
                add_service_errors(form, error, {"item": "item_number"})
            else:
                messages.success(request, f"已提交：{obj}，待审批。")
                return redirect(obj)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RepairRequestAddView(RequestAddView):
    form_class = RepairRequestForm
    title = "申请外送维修"

    def perform(self, form, medium, asset):
        data = form.cleaned_data
        return services.request_repair(
            by=self.request.user,
            medium=medium,
            asset=asset,
            reason=data["reason"],
            vendor=data["vendor"],
            data_handling=data["data_handling"],
        )


class DestructionRequestAddView(RequestAddView):
    form_class = DestructionRequestForm
    title = "申请销毁"

    def perform(self, form, medium, asset):
        return services.request_destruction(
            by=self.request.user, medium=medium, asset=asset, reason=form.cleaned_data["reason"]
        )


class RequestView(ObjectView):
    template_name = "media_control/request.html"
    forms = None

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department", "medium", "asset", "vendor", "requested_by__profile")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.actions_context())
        context.update(self.forms or {})
        context.update(can_change=False, can_delete=False)
        return context


class RepairRequestView(RequestView):
    model = RepairRequest

    def actions_context(self):
        user, repair = self.request.user, self.object
        decider = user.has_perm(services.APPROVE_REPAIR) and repair.requested_by_id != user.pk
        state = RepairRequest.State
        return {
            "kind": "repair",
            "can_approve": decider and repair.state == state.REQUESTED,
            "can_reject": decider and repair.state in (state.REQUESTED, state.APPROVED),
            "can_send": repair.state == state.APPROVED and services.can_handle_repair(user, repair),
            "can_return": repair.state == state.SENT and services.can_handle_repair(user, repair),
            "comment_form": CommentForm(),
            "reject_form": RejectForm(),
            "send_form": SendForm(initial={"data_handling": repair.data_handling}),
            "note_form": NoteForm(),
        }


class DestructionRequestView(RequestView):
    model = DestructionRequest

    def actions_context(self):
        user, destruction = self.request.user, self.object
        decider = user.has_perm(services.APPROVE_DESTRUCTION) and destruction.requested_by_id != user.pk
        state = DestructionRequest.State
        return {
            "kind": "destruction",
            "can_approve": decider and destruction.state == state.REQUESTED,
            "can_reject": decider and destruction.state in (state.REQUESTED, state.APPROVED),
            "can_complete": destruction.state == state.APPROVED
            and services.can_complete_destruction(user, destruction),
            "comment_form": CommentForm(),
            "reject_form": RejectForm(),
            "complete_form": CompleteDestructionForm(),
        }


class RequestActionView(LoginRequiredMixin, TemplateView):
    """POST actions on a repair or destruction request (404 outside the access rule)."""

    http_method_names = ["post"]
    model = None
    detail_view = None
    form_class = None
    form_name = None

    def post(self, request, *args, **kwargs):
        obj = visible_object_or_404(self.model, request.user, kwargs["pk"])
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.perform(form, obj)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(obj)
        view = self.detail_view()
        view.setup(request, *args, **kwargs)
        view.object = obj
        view.forms = {self.form_name: form, "action_errors": [m for ms in form.errors.values() for m in ms]}
        view.forms["open_form"] = self.form_name
        return view.render_to_response(view.get_context_data(object=obj), status=400)


class RepairActionView(RequestActionView):
    model = RepairRequest
    detail_view = RepairRequestView


class RepairApproveView(RepairActionView):
    form_class, form_name = CommentForm, "comment_form"

    def perform(self, form, repair):
        services.approve_repair(repair, by=self.request.user, comment=form.cleaned_data["comment"])
        return "已批准外送维修。"


class RepairRejectView(RepairActionView):
    form_class, form_name = RejectForm, "reject_form"

    def perform(self, form, repair):
        services.reject_repair(repair, by=self.request.user, reason=form.cleaned_data["reason"])
        return "已驳回外送维修申请。"


class RepairSendView(RepairActionView):
    form_class, form_name = SendForm, "send_form"

    def perform(self, form, repair):
        services.send_repair(repair, by=self.request.user, data_handling=form.cleaned_data["data_handling"])
        return "已登记送修。"


class RepairReturnView(RepairActionView):
    form_class, form_name = NoteForm, "note_form"

    def perform(self, form, repair):
        services.return_repair(repair, by=self.request.user, note=form.cleaned_data["note"])
        return "已登记维修返回。"


class DestructionActionView(RequestActionView):
    model = DestructionRequest
    detail_view = DestructionRequestView


class DestructionApproveView(DestructionActionView):
    form_class, form_name = CommentForm, "comment_form"

    def perform(self, form, destruction):
        services.approve_destruction(destruction, by=self.request.user, comment=form.cleaned_data["comment"])
        return "已批准销毁。"


class DestructionRejectView(DestructionActionView):
    form_class, form_name = RejectForm, "reject_form"

    def perform(self, form, destruction):
        services.reject_destruction(destruction, by=self.request.user, reason=form.cleaned_data["reason"])
        return "已驳回销毁申请。"


class DestructionCompleteView(DestructionActionView):
    form_class, form_name = CompleteDestructionForm, "complete_form"

    def perform(self, form, destruction):
        data = form.cleaned_data
        services.complete_destruction(
            destruction,
            by=self.request.user,
            vendor=data["vendor"],
            witness=data["witness"],
            destroyed_at=data["destroyed_at"],
            certificate=data["certificate"],
        )
        return "已登记销毁；该介质记录已转为只读。"


class RepairRequestHistoryView(ObjectHistoryView):
    model = RepairRequest


class DestructionRequestHistoryView(ObjectHistoryView):
    model = DestructionRequest


@login_required
def destruction_certificate(request, pk):
    destruction = visible_object_or_404(DestructionRequest, request.user, pk)
    if not destruction.certificate:
        raise Http404("没有销毁证明。")
    record(AuditEvent.Kind.EXPORT, request=request, obj=destruction, document="destruction_certificate")
    try:
        handle = destruction.certificate.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=destruction.certificate_name or "certificate")


def medium_list_url():
    return reverse("media_control:medium_list")


__all__ = ["creatable_departments"]
