import django_filters
from django.db.models import Q

from szmz_security.org.models import Department

from .models import Incident


class IncidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    secret_leak = django_filters.BooleanFilter(label="涉及泄密")
    since = django_filters.DateFilter(label="发现不早于", field_name="discovered_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label="发现不晚于", field_name="discovered_at", lookup_expr="date__lte")

    class Meta:
        model = Incident
        fields = ["q", "department", "secret_leak", "since", "until"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
