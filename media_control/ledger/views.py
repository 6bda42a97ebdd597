"""The ledger's screens: lists, the medium's page (with its check-outs, repairs, destructions and
inventory lines), registering, changing and deleting a medium, and the label sheet."""

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.responses import pdf_response
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectDeleteView,
    ObjectEditView,
    ObjectView,
)
from szmz_security.obligations.models import Obligation

from ..movements.forms import CommentForm, RejectForm, ReturnForm
from ..movements.models import Checkout
from ..movements.services import can_approve, can_report_lost, may_request_checkout
from ..repairs.models import DestructionRequest, RepairRequest
from ..repairs.services import can_request
from .filters import MediumFilterSet
from .forms import MediumForm
from .models import Medium
from .reports import label_sheet_pdf
from .services import can_manage, delete_medium, is_deletable, save_medium
from .tables import MediumTable

LABEL_LIMIT = 500
DESTROYED_READ_ONLY = "该介质已销毁，记录只读。"

media = register_model(
    Medium,
    path="",
    table=MediumTable,
    filterset=MediumFilterSet,
    form=MediumForm,
    actions=("list", "detail", "add", "edit", "delete", "history"),
    title="移动介质台账",
    export_filename="media",
    templates={"list": "media_control/medium_list.html"},
)


def action_errors(forms):
    """Every error of the bound forms a refused action left on the page."""
    return [m for form in (forms or {}).values() for ms in form.errors.values() for m in ms]


@register_model_view(Medium, "list")
class MediumListView(media.generic_view("list")):
    def get_queryset(self):
        active = Checkout.objects.filter(state=Checkout.State.CHECKED_OUT).order_by()
        return (
            super()
            .get_queryset()
            .select_related("department", "custodian__profile")
            .prefetch_related(Prefetch("checkouts", queryset=active, to_attr="active_checkouts"))
        )


@register_model_view(Medium, "mine", detail=False, url_name="my_media")
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


@register_model_view(Medium, "add")
@register_model_view(Medium, "edit")
class MediumEditView(ObjectEditView):
    model = Medium
    form_class = MediumForm

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj is not None and obj.is_destroyed:
            raise PermissionDenied(DESTROYED_READ_ONLY)
        return obj

    def save_form(self, form):
        return save_medium(form.save(commit=False), by=self.request.user)

    def success_message(self, medium):
        return f"已保存：{medium}（{medium.marking}）"

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@register_model_view(Medium, "delete")
class MediumDeleteView(ObjectDeleteView):
    model = Medium

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.is_destroyed:
            raise PermissionDenied(DESTROYED_READ_ONLY)
        return obj

    def perform_delete(self, obj):
        delete_medium(obj, by=self.request.user)


@register_model_view(Medium, "detail")
class MediumView(DetailFormsMixin, ObjectView):
    model = Medium
    template_name = "media_control/medium.html"
    related = ("department", "custodian__profile", "incident")

    def default_forms(self):
        return {"comment_form": CommentForm(), "reject_form": RejectForm(), "return_form": ReturnForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.content_visible:  # else the redacted page (need-to-know) shows no content
            context.update(self.detail_context(context))
        context["action_errors"] = action_errors(self.forms)
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
        manager = can_manage(user, medium) and not medium.is_destroyed
        for checkout in checkouts:
            checkout.user_can_approve = can_approve(user, checkout)
            checkout.user_can_reject = checkout.user_can_approve or (
                checkout.state == Checkout.State.APPROVED and manager and checkout.requester_id != user.pk
            )
            checkout.user_can_hand_out = checkout.state == Checkout.State.APPROVED and manager
            checkout.user_can_return = checkout.state == Checkout.State.CHECKED_OUT and manager
        obligations = list(
            Obligation.objects.filter(
                subject_type=ContentType.objects.get_for_model(Checkout),
                subject_id__in=[checkout.pk for checkout in checkouts],
            ).select_related("assignee__profile", "met_by__profile")
        )
        # An obligation links to its page where the access rule lets the user open it.
        openable = set(
            Obligation.objects.visible_to(user, "view")
            .filter(pk__in=[o.pk for o in obligations])
            .values_list("pk", flat=True)
        )
        for obligation in obligations:
            obligation.user_can_view = obligation.pk in openable
        in_stock = medium.status == Medium.Status.IN_STOCK
        return {
            "checkouts": checkouts,
            "obligations": obligations,
            "repairs": list(medium.repairs.select_related("vendor", "requested_by__profile")),
            "destructions": list(medium.destructions.select_related("vendor", "requested_by__profile")),
            "inventory_lines": list(
                medium.inventory_lines.select_related("inventory", "checked_by__profile").order_by(
                    "-inventory__year"
                )
            ),
            "can_request_checkout": in_stock
            and not any(c.is_open for c in checkouts)
            and may_request_checkout(user),
            "can_report_lost": can_report_lost(user, medium),
            "can_request_repair": in_stock and can_request(user, medium, RepairRequest),
            "can_request_destruction": in_stock and can_request(user, medium, DestructionRequest),
            "can_change": context.get("can_change") and not medium.is_destroyed,
            "can_delete": context.get("can_delete") and is_deletable(medium),
        }


@login_required
def label_sheet(request):
    """Label sheet (PDF) of the visible media matching the list's filters, each with its QR
    code and marking; audited as a print."""
    queryset = Medium.objects.visible_to(request.user, "view").select_related("department")
    filterset = MediumFilterSet(request.GET, queryset=queryset, request=request)
    media = list((filterset.qs if filterset.is_valid() else queryset).order_by("number")[:LABEL_LIMIT])
    return pdf_response(
        request,
        label_sheet_pdf(media),
        "media-labels.pdf",
        document="media_labels",
        inline=True,
        model=Medium._meta.label,
        count=len(media),
        numbers=[medium.number for medium in media[:50]],
        query=request.GET.urlencode(),
    )
