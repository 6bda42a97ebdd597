"""Screens of external repair, destruction and the vendor register. Each action calls one
service; the decision of either request is the same (``services.decide``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.forms import add_service_errors
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
    ObjectView,
    visible_object_or_404,
)

from ..ledger.models import Medium
from ..ledger.views import action_errors
from ..movements.forms import CommentForm, RejectForm
from .filters import DestructionRequestFilterSet, RepairRequestFilterSet, VendorFilterSet
from .forms import (
    CompleteDestructionForm,
    DestructionRequestForm,
    NoteForm,
    RepairRequestForm,
    SendForm,
    VendorForm,
)
from .models import DestructionRequest, RepairRequest, Vendor
from .services import (
    can_complete_destruction,
    can_decide,
    can_handle_repair,
    complete_destruction,
    decide,
    request_destruction,
    request_repair,
    resolve_item,
    return_repair,
    send_repair,
)
from .tables import DestructionRequestTable, RepairRequestTable, VendorTable

register_model(
    Vendor,
    path="vendors",
    table=VendorTable,
    filterset=VendorFilterSet,
    form=VendorForm,
    title="服务单位（维修、销毁）",
    export_filename="vendors",
    templates={"detail": "media_control/vendor.html"},
)
repairs = register_model(
    RepairRequest,
    path="repairs",
    table=RepairRequestTable,
    filterset=RepairRequestFilterSet,
    actions=("list", "detail", "history"),
    title="外送维修",
    export_filename="media-repairs",
    related=("department", "medium", "asset", "requested_by__profile", "vendor"),
    templates={"list": "media_control/request_list.html"},
)
destructions = register_model(
    DestructionRequest,
    path="destructions",
    table=DestructionRequestTable,
    filterset=DestructionRequestFilterSet,
    actions=("list", "detail", "history"),
    title="销毁申请",
    export_filename="media-destructions",
    related=("department", "medium", "asset", "requested_by__profile"),
    templates={"list": "media_control/request_list.html"},
)


class RequestAddView(LoginRequiredMixin, TemplateView):
    """A repair or destruction request for the medium or asset with the number given."""

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
                medium, asset = resolve_item(request.user, form.cleaned_data["item_number"])
                obj = self.perform(form, medium, asset)
            except ValidationError as error:
                add_service_errors(form, error, {"item": "item_number"})
            else:
                messages.success(request, f"已提交：{obj}，待审批。")
                return redirect(obj)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@register_model_view(RepairRequest, "add")
class RepairRequestAddView(RequestAddView):
    form_class = RepairRequestForm
    title = "申请外送维修"

    def perform(self, form, medium, asset):
        data = form.cleaned_data
        return request_repair(
            by=self.request.user,
            medium=medium,
            asset=asset,
            reason=data["reason"],
            vendor=data["vendor"],
            data_handling=data["data_handling"],
        )


@register_model_view(DestructionRequest, "add")
class DestructionRequestAddView(RequestAddView):
    form_class = DestructionRequestForm
    title = "申请销毁"

    def perform(self, form, medium, asset):
        return request_destruction(
            by=self.request.user, medium=medium, asset=asset, reason=form.cleaned_data["reason"]
        )


class RequestView(DetailFormsMixin, ObjectView):
    template_name = "media_control/request.html"
    related = ("department", "medium", "asset", "vendor", "requested_by__profile")

    def default_forms(self):
        return {"comment_form": CommentForm(), "reject_form": RejectForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, request = self.request.user, self.object
        decider, state = can_decide(user, request), request.state
        context.update(
            self.actions_context(user, request),
            can_approve=decider and state == request.State.REQUESTED,
            can_reject=decider and state in (request.State.REQUESTED, request.State.APPROVED),
            action_errors=action_errors(self.forms),
            can_change=False,
            can_delete=False,
        )
        return context


@register_model_view(RepairRequest, "detail")
class RepairRequestView(RequestView):
    model = RepairRequest

    def default_forms(self):
        forms = super().default_forms()
        forms.update(
            send_form=SendForm(initial={"data_handling": self.object.data_handling}), note_form=NoteForm()
        )
        return forms

    def actions_context(self, user, repair):
        handler = can_handle_repair(user, repair)
        return {
            "kind": "repair",
            "can_send": repair.state == RepairRequest.State.APPROVED and handler,
            "can_return": repair.state == RepairRequest.State.SENT and handler,
        }


@register_model_view(DestructionRequest, "detail")
class DestructionRequestView(RequestView):
    model = DestructionRequest

    def default_forms(self):
        return {**super().default_forms(), "complete_form": CompleteDestructionForm()}

    def actions_context(self, user, destruction):
        return {
            "kind": "destruction",
            "can_complete": destruction.state == DestructionRequest.State.APPROVED
            and can_complete_destruction(user, destruction),
        }


class RequestActionMixin(ObjectActionMixin):
    action = "view"


class ApproveMixin(RequestActionMixin):
    form_class, form_name = CommentForm, "comment_form"

    def perform(self, form, request):
        decide(request, by=self.request.user, approve=True, text=form.cleaned_data["comment"])
        return f"已批准{request.what}。"


class RejectMixin(RequestActionMixin):
    form_class, form_name = RejectForm, "reject_form"

    def perform(self, form, request):
        decide(request, by=self.request.user, approve=False, text=form.cleaned_data["reason"])
        return f"已驳回{request.what}申请。"


@register_model_view(RepairRequest, "approve")
class RepairApproveView(ApproveMixin, RepairRequestView):
    pass


@register_model_view(RepairRequest, "reject")
class RepairRejectView(RejectMixin, RepairRequestView):
    pass


@register_model_view(RepairRequest, "send")
class RepairSendView(RequestActionMixin, RepairRequestView):
    form_class, form_name = SendForm, "send_form"

    def perform(self, form, repair):
        send_repair(repair, by=self.request.user, data_handling=form.cleaned_data["data_handling"])
        return "已登记送修。"


@register_model_view(RepairRequest, "return")
class RepairReturnView(RequestActionMixin, RepairRequestView):
    form_class, form_name = NoteForm, "note_form"

    def perform(self, form, repair):
        return_repair(repair, by=self.request.user, note=form.cleaned_data["note"])
        return "已登记维修返回。"


@register_model_view(DestructionRequest, "approve")
class DestructionApproveView(ApproveMixin, DestructionRequestView):
    pass


@register_model_view(DestructionRequest, "reject")
class DestructionRejectView(RejectMixin, DestructionRequestView):
    pass


@register_model_view(DestructionRequest, "complete")
class DestructionCompleteView(RequestActionMixin, DestructionRequestView):
    form_class, form_name = CompleteDestructionForm, "complete_form"

    def perform(self, form, destruction):
        data = form.cleaned_data
        complete_destruction(
            destruction,
            by=self.request.user,
            vendor=data["vendor"],
            witness=data["witness"],
            destroyed_at=data["destroyed_at"],
            certificate=data["certificate"],
        )
        return "已登记销毁；该介质记录已转为只读。"


@register_model_view(DestructionRequest, "certificate")
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
