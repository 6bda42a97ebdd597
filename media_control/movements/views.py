"""Check-out screens: the request and the loss report (pages of their own about one medium), the
approvals, hand-out and return (actions on the medium's page) and 待我审批."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from szmz_security.core.forms import add_service_errors
from szmz_security.core.registry import register_model_view
from szmz_security.core.views import ObjectActionMixin, object_urls, visible_object_or_404
from szmz_security.org.access import can_read_content

from ..ledger.models import Medium
from ..ledger.services import headed_departments, is_secrecy_office
from ..ledger.views import MediumView
from .forms import CheckoutForm, CommentForm, EmptyForm, LostForm, RejectForm, ReturnForm
from .models import Checkout
from .services import (
    approve_checkout,
    can_report_lost,
    hand_out,
    may_request_checkout,
    reject_checkout,
    report_lost,
    request_checkout,
    return_checkout,
)
from .tables import CheckoutTable

RESTRICTED_CONTENT = "该介质知悉范围受限，您无权查看其内容。"


class CheckoutActionView(ObjectActionMixin, MediumView):
    """A POST from the medium's page acting on one of its check-outs (``self.checkout``); the
    service decides who may. Refused input re-renders the page (400) with the error shown."""

    action = "view"
    form_class = EmptyForm
    denied_message = RESTRICTED_CONTENT

    def allowed(self, user, medium):
        self.checkout = get_object_or_404(medium.checkouts.all(), pk=self.kwargs["checkout_pk"])
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.pop(None, None)
        if self.open_form:
            context["open_form"] = f"{self.open_form}-{self.checkout.pk}"
        return context


def checkout_action(name, path):
    return register_model_view(Medium, name, path=f"checkouts/<int:checkout_pk>/{path}", url_name=name)


@checkout_action("checkout_approve", "approve")
class CheckoutApproveView(CheckoutActionView):
    form_class, form_name = CommentForm, "comment_form"

    def perform(self, form, medium):
        checkout = approve_checkout(self.checkout, by=self.request.user, comment=form.cleaned_data["comment"])
        if checkout.state == Checkout.State.PENDING_SECRECY:
            return "已同意，申请转保密办审批。"
        return "已批准借用申请，申请人将收到通知。"


@checkout_action("checkout_reject", "reject")
class CheckoutRejectView(CheckoutActionView):
    form_class, form_name = RejectForm, "reject_form"

    def perform(self, form, medium):
        reject_checkout(self.checkout, by=self.request.user, reason=form.cleaned_data["reason"])
        return "已驳回借用申请。"


@checkout_action("checkout_hand_out", "hand-out")
class CheckoutHandOutView(CheckoutActionView):
    def perform(self, form, medium):
        checkout = hand_out(self.checkout, by=self.request.user)
        return f"已借出，归还期限 {checkout.expected_return_at:%Y-%m-%d %H:%M}（到期提醒借用人）。"


@checkout_action("checkout_return", "return")
class CheckoutReturnView(CheckoutActionView):
    form_class, form_name = ReturnForm, "return_form"

    def perform(self, form, medium):
        data = form.cleaned_data
        checkout = return_checkout(
            self.checkout, by=self.request.user, condition=data["condition"], note=data["note"]
        )
        if checkout.condition != Checkout.Condition.INTACT:
            return f"已登记归还（{checkout.get_condition_display()}）。如介质无法找回，请“报告遗失”。"
        return "已登记归还。"


class MediumPageView(LoginRequiredMixin, TemplateView):
    """A page of its own about one medium (the check-out request, the loss report): GET shows
    ``form_class``, POST hands it to ``perform`` (the service); refused input answers 400."""

    form_class = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.medium = visible_object_or_404(Medium, request.user, kwargs["pk"])
        if not can_read_content(request.user, self.medium):
            raise PermissionDenied(RESTRICTED_CONTENT)
        if self.medium.is_destroyed:
            raise PermissionDenied("该介质已销毁，记录只读。")
        self.check()
        return super().dispatch(request, *args, **kwargs)

    def check(self):
        pass

    def get_form(self, data=None):
        return self.form_class(data)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.medium,
            model_meta=Medium._meta,
            urls=object_urls(Medium, self.medium),
            form=form or self.get_form(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                return self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@register_model_view(Medium, "checkout_add", path="checkouts/add", url_name="checkout_add")
class CheckoutRequestView(MediumPageView):
    template_name = "media_control/checkout_request.html"

    def get(self, request, *args, **kwargs):
        if not may_request_checkout(request.user):
            raise PermissionDenied("您没有申请借用介质的权限。")
        return super().get(request, *args, **kwargs)

    def get_form(self, data=None):
        return CheckoutForm(data, medium=self.medium)

    def perform(self, form):
        data = form.cleaned_data
        request_checkout(
            self.medium,
            requester=self.request.user,
            purpose=data["purpose"],
            zone=data["zone"],
            expected_return_at=data["expected_return_at"],
        )
        messages.success(self.request, "已提交借用申请，待处室负责人审批。")
        return redirect(self.medium)


@register_model_view(Medium, "report_lost")
class ReportLostView(MediumPageView):
    template_name = "media_control/report_lost.html"
    form_class = LostForm

    def check(self):
        if not can_report_lost(self.request.user, self.medium):
            raise PermissionDenied("须由保管人、借用人或安全员、保密办报告遗失。")

    def perform(self, form):
        incident = report_lost(
            self.medium, by=self.request.user, description=form.cleaned_data["description"]
        )
        clock = "，须在24小时内向保密机关报告" if incident.secret_leak else ""
        messages.warning(self.request, f"已报告遗失并自动登记安全事件{clock}。")
        return redirect(incident)


@register_model_view(
    Medium, "checkout_pending", path="checkouts/pending", detail=False, url_name="checkout_pending"
)
class CheckoutPendingListView(LoginRequiredMixin, TemplateView):
    """待我审批: the check-outs whose next approval is mine (heads of the medium's department,
    then the secrecy office), never my own requests."""

    template_name = "media_control/checkout_pending.html"

    def get_queryset(self):
        user = self.request.user
        visible = Checkout.objects.filter(medium__in=Medium.objects.visible_to(user, "view").values("pk"))
        condition = Q(state=Checkout.State.PENDING_HEAD, medium__department__in=headed_departments(user))
        if is_secrecy_office(user):
            condition |= Q(state=Checkout.State.PENDING_SECRECY)
        return (
            visible.filter(condition)
            .exclude(requester=user)
            .select_related("medium", "requester__profile")
            .order_by("created_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = CheckoutTable(self.get_queryset())
        RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
        context.update(table=table, title="待我审批的介质借用")
        return context
