import django_filters
from django.db.models import Q

from .models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    kind = django_filters.ChoiceFilter(label="事件", choices=AuditEvent.Kind.choices)
    log_class = django_filters.ChoiceFilter(label="日志类别", choices=AuditEvent.LogClass.choices)
    outcome = django_filters.ChoiceFilter(label="结果", choices=AuditEvent.Outcome.choices)
    since = django_filters.DateFilter(label="起始日期", field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label="截止日期", field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["q", "kind", "log_class", "outcome", "since", "until"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value) | Q(object_repr__icontains=value) | Q(ip_address__startswith=value)
        )
