"""The IP plan's screens (7 §1): subnets, IP assignments and the MAC register, each declared once
(core.registry); edits and deletions go through the network services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from szmz_security.core.forms import add_service_errors
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.org.access import creatable_departments

from ..register.views import ServiceEditMixin
from . import services
from .filters import IPAssignmentFilterSet, MacAddressFilterSet, SubnetFilterSet
from .forms import IPAssignmentForm, MacAddressForm, SubnetForm
from .models import IPAssignment, MacAddress, Subnet
from .tables import IPAssignmentTable, MacAddressTable, SubnetTable, utilisation_text

SUBNETS = register_model(
    Subnet,
    path="subnets",
    table=SubnetTable,
    filterset=SubnetFilterSet,
    form=SubnetForm,
    title="网段",
    export_filename="subnets",
    related=("department",),
    actions=("list", "detail", "add", "edit", "delete", "history"),
)
IP_ASSIGNMENTS = register_model(
    IPAssignment,
    path="ip-assignments",
    related=("subnet", "asset", "department"),
    table=IPAssignmentTable,
    filterset=IPAssignmentFilterSet,
    form=IPAssignmentForm,
    title="IP 分配",
    export_filename="ip-assignments",
    actions=("list", "detail", "add", "edit", "delete", "history"),
)
MACS = register_model(
    MacAddress,
    path="mac-addresses",
    related=("asset", "department"),
    table=MacAddressTable,
    filterset=MacAddressFilterSet,
    title="MAC 地址登记",
    export_filename="mac-addresses",
    actions=("list", "add", "delete"),
)


@register_model_view(Subnet, "list")
class SubnetListView(SUBNETS.generic_view("list")):
    annotations = {"assignment_count": Count("assignments")}


@register_model_view(Subnet, "detail")
class SubnetView(SUBNETS.generic_view("detail")):
    template_name = "assets/subnet.html"
    shown_assignments = 50
    related = ("department",)

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
            may_assign=creatable_departments(self.request.user, IPAssignment).exists(),
        )
        return context


@register_model_view(Subnet, "add")
@register_model_view(Subnet, "edit")
class SubnetEditView(ServiceEditMixin, SUBNETS.generic_view("edit")):
    def save_form(self, form):
        return services.save_subnet(form.save(commit=False), by=self.request.user)


@register_model_view(Subnet, "delete")
class SubnetDeleteView(SUBNETS.generic_view("delete")):
    def perform_delete(self, obj):
        services.delete_subnet(obj, by=self.request.user)


@register_model_view(IPAssignment, "detail")
class IPAssignmentView(IP_ASSIGNMENTS.generic_view("detail")):
    template_name = "assets/ipassignment.html"
    related = ("subnet", "asset", "department")


@register_model_view(IPAssignment, "add")
@register_model_view(IPAssignment, "edit")
class IPAssignmentEditView(ServiceEditMixin, IP_ASSIGNMENTS.generic_view("edit")):
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


@register_model_view(IPAssignment, "delete")
class IPAssignmentDeleteView(IP_ASSIGNMENTS.generic_view("delete")):
    def perform_delete(self, obj):
        services.delete_assignment(obj, by=self.request.user)


@register_model_view(MacAddress, "list")
class MacAddressListView(MACS.generic_view("list")):
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


@register_model_view(MacAddress, "add")
class MacAddressAddView(LoginRequiredMixin, FormView):
    form_class = MacAddressForm
    template_name = "generic/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not creatable_departments(request.user, MacAddress).exists():
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


@register_model_view(MacAddress, "delete")
class MacAddressDeleteView(MACS.generic_view("delete")):
    def perform_delete(self, obj):
        services.delete_mac(obj, by=self.request.user)
