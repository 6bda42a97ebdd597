import django_filters
from django.db.models import Q

from szmz_security.org.models import Department

from .models import DestructionRequest, RepairRequest, Vendor


class RequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    classified = django_filters.BooleanFilter(label="涉密设备")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(medium__number__icontains=value)
            | Q(asset__number__icontains=value)
            | Q(reason__icontains=value)
        )


class RepairRequestFilterSet(RequestFilterSet):
    state = django_filters.ChoiceFilter(label="状态", choices=RepairRequest.State.choices)

    class Meta:
        model = RepairRequest
        fields = ["q", "state", "department", "classified"]


class DestructionRequestFilterSet(RequestFilterSet):
    state = django_filters.ChoiceFilter(label="状态", choices=DestructionRequest.State.choices)

    class Meta:
        model = DestructionRequest
        fields = ["q", "state", "department", "classified"]


class VendorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", field_name="name", lookup_expr="icontains")
    designated = django_filters.BooleanFilter(label="涉密定点单位")

    class Meta:
        model = Vendor
        fields = ["q", "designated"]
