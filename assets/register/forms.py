"""The register's form, and the pickers of people, departments and assets the other forms share."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from szmz_security.core.forms import ActiveUserChoiceField, BootstrapFormMixin
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from .models import Asset
from .services import find_asset


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def department_choices(user, model, current=None):
    """The departments ``user`` may file a ``model`` for, and the record's ``current`` one."""
    departments = creatable_departments(user, model)
    if current:
        departments = Department.objects.filter(Q(pk__in=departments.values("pk")) | Q(pk=current))
    return departments.order_by("sort_order", "code")


def people():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


def department_members(departments):
    """Active users with a profile who belong to one of ``departments``."""
    groups = Department.objects.filter(pk__in=departments.values("pk")).values("group_id")
    return people().filter(
        profile__isnull=False,
        pk__in=get_user_model().groups.through.objects.filter(group_id__in=groups).values("user_id"),
    )


# The register page's sections; the form's fields are theirs, in this order.
SECTIONS = (
    ("基本信息", ("number", "type", "name", "model_number", "serial", "purchase_date", "status")),
    ("归属", ("department", "custodian", "location")),
    ("安全属性", ("zone", "secrecy", "data_grade", "critical_infrastructure", "wireless_removed")),
    ("防病毒", ("antivirus_product", "antivirus_updated_on")),
    ("备注", ("note",)),
)


class AssetForm(BootstrapFormMixin, forms.ModelForm):
    """The register's form. Django's model validation calls ``Asset.clean()``, so each rule's
    message shows next to its field."""

    custodian = ActiveUserChoiceField(
        label="责任人", queryset=get_user_model().objects.none(), required=False
    )

    class Meta:
        model = Asset
        fields = [name for _title, names in SECTIONS for name in names]
        widgets = {
            "purchase_date": date_input(),
            "antivirus_updated_on": date_input(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.department_id
        self.fields["department"].queryset = department_choices(user, Asset, current)
        # The custodian: someone of the departments offered (an officer: anyone with a profile),
        # or whoever holds the asset now.
        custodians = department_members(self.fields["department"].queryset)
        if self.instance.custodian_id:
            custodians = people().filter(Q(pk__in=custodians.values("pk")) | Q(pk=self.instance.custodian_id))
        self.fields["custodian"].queryset = custodians
        if len(self.fields["department"].queryset) == 1 and not current:
            self.initial.setdefault("department", self.fields["department"].queryset[0].pk)

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]


class AssetNumberField(forms.CharField):
    """An asset by its fixed-asset number (a select of 100,000 assets would not load)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "资产编号")
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)


def _asset_by_number(user, number, field_errors, field="asset_number"):
    asset = find_asset(user, number)
    if asset is None:
        field_errors[field] = f"未找到您可以登记的资产“{number}”。"
    return asset
