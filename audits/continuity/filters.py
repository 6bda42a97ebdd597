import django_filters
from django.db.models import Q

from .models import EmergencyDrill, EmergencyPlan


class EmergencyPlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=EmergencyPlan.Status.choices)

    class Meta:
        model = EmergencyPlan
        fields = ["q", "status", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(scope__icontains=value) | Q(version__icontains=value)
        )


class EmergencyDrillFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=EmergencyDrill.Status.choices)
    year = django_filters.NumberFilter(
        label="年度", field_name="planned_on", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = EmergencyDrill
        fields = ["q", "status", "year", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(scenario__icontains=value)
            | Q(plan__title__icontains=value)
            | Q(findings__icontains=value)
            | Q(improvements__icontains=value)
        )
