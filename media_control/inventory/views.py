"""The annual inventory's screens: the list (with 开始清点), the inventory page, each line's
result, signing, and the PDF. Lines of media the user may not see are counted, not listed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.responses import pdf_response
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
    ObjectView,
    visible_object_or_404,
)
from szmz_security.org.access import can

from ..ledger.models import Medium
from ..ledger.views import action_errors
from .filters import InventoryFilterSet
from .forms import InventoryOpenForm, LineForm, SignForm
from .models import Inventory, InventoryLine
from .reports import inventory_pdf
from .services import ensure_inventory, inventory_departments, record_line, sign_inventory
from .tables import InventoryTable

inventories = register_model(
    Inventory,
    path="inventories",
    related=("department", "obligation", "signed_by__profile"),
    table=InventoryTable,
    filterset=InventoryFilterSet,
    actions=("list", "detail", "history"),
    title="介质年度清点",
    export_filename="media-inventories",
    templates={"list": "media_control/inventory_list.html"},
)


def visible_lines(inventory, user):
    visible = Medium.objects.visible_to(user, "view").values("pk")
    return inventory.lines.filter(medium__in=visible)


@register_model_view(Inventory, "list")
class InventoryListView(inventories.generic_view("list")):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        departments = inventory_departments(self.request.user)
        context["open_form"] = InventoryOpenForm(departments=departments) if departments.exists() else None
        return context


@register_model_view(Inventory, "open", detail=False)
@login_required
def inventory_open(request):
    if request.method != "POST":
        raise Http404
    form = InventoryOpenForm(request.POST, departments=inventory_departments(request.user))
    if not form.is_valid():
        raise PermissionDenied("您不能为该部门开始清点。")
    inventory, created = ensure_inventory(form.cleaned_data["department"], timezone.localdate().year)
    messages.success(request, "已开始本年度清点。" if created else "本年度清点已存在。")
    return redirect(inventory)


@register_model_view(Inventory, "detail")
class InventoryView(DetailFormsMixin, ObjectView):
    model = Inventory
    template_name = "media_control/inventory.html"
    related = ("department", "obligation", "signed_by__profile")

    def default_forms(self):
        return {"sign_form": SignForm(), "line_form": LineForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        inventory = self.object
        lines = list(
            visible_lines(inventory, user).select_related("medium__custodian__profile", "checked_by__profile")
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
            action_errors=action_errors(self.forms),
            can_change=False,
            can_delete=False,
        )
        return context


class InventoryActionView(ObjectActionMixin, InventoryView):
    action = "view"


@register_model_view(Inventory, "line", path="lines/<int:line_pk>")
class InventoryLineView(InventoryActionView):
    form_class, form_name = LineForm, "bound_line_form"

    def perform(self, form, inventory):
        line = get_object_or_404(visible_lines(inventory, self.request.user), pk=self.kwargs["line_pk"])
        data = form.cleaned_data
        line = record_line(line, by=self.request.user, result=data["result"], note=data["note"])
        return f"已清点 {line.medium.number}：{line.get_result_display()}。"


@register_model_view(Inventory, "sign")
class InventorySignView(InventoryActionView):
    form_class, form_name = SignForm, "sign_form"

    def perform(self, form, inventory):
        sign_inventory(inventory, by=self.request.user, note=form.cleaned_data["note"])
        return "已签署清点，年度清点义务已完成。"


@login_required
def inventory_pdf_view(request, pk):
    inventory = visible_object_or_404(Inventory, request.user, pk)
    lines = list(
        visible_lines(inventory, request.user).select_related(
            "medium__custodian__profile", "checked_by__profile"
        )
    )
    pdf = inventory_pdf(inventory, lines, hidden=inventory.lines.count() - len(lines))
    filename = f"media-inventory-{inventory.year}-{inventory.department.code}.pdf"
    return pdf_response(request, pdf, filename, document="media_inventory", obj=inventory)
