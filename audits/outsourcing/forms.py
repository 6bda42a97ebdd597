from django import forms

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.org.access import creatable_departments

from ..common import date_input
from .models import OutsourcingReview, ServiceContract, VendorStaffAccess


class ServiceContractForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceContract
        fields = [
            "vendor", "title", "scope", "systems", "starts_on", "ends_on",
            "agreement_signed_on", "contact", "department",
        ]  # fmt: skip
        widgets = {
            "starts_on": date_input(),
            "ends_on": date_input(),
            "agreement_signed_on": date_input(),
            "systems": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = creatable_departments(user, ServiceContract)


def _contracts_for(user):
    return ServiceContract.objects.visible_to(user, "change").select_related("vendor").order_by("title")


class VendorStaffAccessForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = VendorStaffAccess
        fields = [
            "contract", "name", "identifier", "role", "access_scope",
            "access_granted_on", "access_revoked_on", "commitment_signed_on",
        ]  # fmt: skip
        widgets = {
            "access_granted_on": date_input(),
            "access_revoked_on": date_input(),
            "commitment_signed_on": date_input(),
            "access_scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts_for(user)


class OutsourcingReviewForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = OutsourcingReview
        fields = ["contract", "reviewed_on", "reviewer", "conclusion", "issues"]
        widgets = {
            "reviewed_on": date_input(),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
            "issues": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = _contracts_for(user)
