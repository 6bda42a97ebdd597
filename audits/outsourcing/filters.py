import django_filters
from django.db.models import Q

from .models import OutsourcingReview, ServiceContract, VendorStaffAccess


class ServiceContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=ServiceContract.Status.choices)
    scope = django_filters.ChoiceFilter(label="服务类型", choices=ServiceContract.Scope.choices)

    class Meta:
        model = ServiceContract
        fields = ["q", "status", "scope"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(vendor__name__icontains=value) | Q(systems__icontains=value)
        )


class VendorStaffAccessFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    active = django_filters.BooleanFilter(
        label="仍有权限", field_name="access_revoked_on", lookup_expr="isnull"
    )

    class Meta:
        model = VendorStaffAccess
        fields = ["q", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(role__icontains=value) | Q(contract__title__icontains=value)
        )


class OutsourcingReviewFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(
        label="年度", field_name="reviewed_on", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = OutsourcingReview
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(contract__title__icontains=value) | Q(conclusion__icontains=value))
