"""外包服务 screens: service contracts (activate / end), vendor staff access, yearly reviews.
Lists, edits and history pages are generated from the declarations below."""

from django import forms as djforms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin, ObjectEditView, ObjectView
from szmz_security.org.access import can

from ..governance.views import field_rows
from . import api, filters, forms, services, tables
from .models import OutsourcingReview, ServiceContract, VendorStaffAccess

register_model(
    ServiceContract,
    path="service-contracts",
    related=("department", "vendor"),
    table=tables.ServiceContractTable,
    filterset=filters.ServiceContractFilterSet,
    form=forms.ServiceContractForm,
    serializer=api.ServiceContractSerializer,
    viewset=api.ServiceContractViewSet,
    title="外包服务合同",
    export_filename="service-contracts",
)
register_model(
    VendorStaffAccess,
    path="vendor-staff",
    related=("department", "contract__vendor"),
    table=tables.VendorStaffAccessTable,
    filterset=filters.VendorStaffAccessFilterSet,
    form=forms.VendorStaffAccessForm,
    serializer=api.VendorStaffAccessSerializer,
    viewset=api.VendorStaffAccessViewSet,
    title="外包人员及权限",
    export_filename="vendor-staff",
)
register_model(
    OutsourcingReview,
    path="outsourcing-reviews",
    related=("department", "contract__vendor", "reviewer__profile"),
    table=tables.OutsourcingReviewTable,
    filterset=filters.OutsourcingReviewFilterSet,
    form=forms.OutsourcingReviewForm,
    serializer=api.OutsourcingReviewSerializer,
    viewset=api.OutsourcingReviewViewSet,
    title="外包服务年度审查",
    export_filename="outsourcing-reviews",
)


@register_model_view(VendorStaffAccess, "add")
@register_model_view(VendorStaffAccess, "edit")
class VendorStaffAccessEditView(ObjectEditView):
    model = VendorStaffAccess
    form_class = forms.VendorStaffAccessForm

    def save_form(self, form):
        return services.save_staff_access(form.save(commit=False))


@register_model_view(OutsourcingReview, "add")
@register_model_view(OutsourcingReview, "edit")
class OutsourcingReviewEditView(ObjectEditView):
    model = OutsourcingReview
    form_class = forms.OutsourcingReviewForm

    def save_form(self, form):
        return services.save_review(form.save(commit=False), by=self.request.user)


class ActivateForm(BootstrapFormMixin, djforms.Form):
    agreement_signed_on = djforms.DateField(required=False, widget=djforms.HiddenInput)


class EndForm(BootstrapFormMixin, djforms.Form):
    status = djforms.ChoiceField(
        label="结束方式",
        choices=[
            (ServiceContract.Status.EXPIRED, ServiceContract.Status.EXPIRED.label),
            (ServiceContract.Status.TERMINATED, ServiceContract.Status.TERMINATED.label),
        ],
    )


@register_model_view(ServiceContract, "detail")
class ServiceContractView(DetailFormsMixin, ObjectView):
    model = ServiceContract
    template_name = "audits/servicecontract.html"
    related = ("department", "vendor")

    def default_forms(self):
        return {"activate_form": ActivateForm(), "end_form": EndForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_rows"] = field_rows(self.object)
        context["staff"] = list(self.object.staff.all())
        context["can_change"] = can(self.request.user, "change", self.object)
        return context


@register_model_view(ServiceContract, "activate")
class ServiceContractActivateView(ObjectActionMixin, ServiceContractView):
    form_class = ActivateForm
    form_name = "activate_form"

    def perform(self, form, contract):
        services.activate(contract, by=self.request.user)
        return f"合同已生效：{contract.title}"


@register_model_view(ServiceContract, "end")
class ServiceContractEndView(ObjectActionMixin, ServiceContractView):
    form_class = EndForm
    form_name = "end_form"

    def perform(self, form, contract):
        ended = services.end_contract(contract, by=self.request.user, status=form.cleaned_data["status"])
        return f"合同已{ended.get_status_display()}，外包人员访问权限已全部撤销。"
