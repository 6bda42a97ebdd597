"""Filters of the reconciliation list and of a run's items."""

import django_filters

from szmz_security.core.choices import NetworkZone

from ..network.filters import network_search
from .models import Reconciliation, ReconciliationItem


class ReconciliationFilterSet(django_filters.FilterSet):
    zone = django_filters.ChoiceFilter(label="网络区域", choices=NetworkZone.choices)
    state = django_filters.ChoiceFilter(label="状态", choices=Reconciliation.State.choices)
    month = django_filters.DateFilter(label="核查月份（该月任一天）", method="filter_month")

    class Meta:
        model = Reconciliation
        fields = ["zone", "state", "month"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(month=value.replace(day=1))


class ReconciliationItemFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="差异类型", choices=ReconciliationItem.Kind.choices)
    resolution = django_filters.ChoiceFilter(label="处理结果", choices=ReconciliationItem.Resolution.choices)
    q = django_filters.CharFilter(label="搜索", method="search", help_text="IP、MAC、主机名")

    class Meta:
        model = ReconciliationItem
        fields = ["kind", "resolution", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(network_search(value, ip_field="ip", asset_field="asset__number"))
