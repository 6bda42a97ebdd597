"""Filters of the register and of the compliance list."""

import django_filters
from django.db.models import Q

from szmz_security.core.choices import NetworkZone, Secrecy
from szmz_security.org.models import Department

from .models import Asset
from .services import compliance_conditions, compliance_rules


class AssetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="search", help_text="编号、名称、序列号、型号、存放地点"
    )
    type = django_filters.ChoiceFilter(label="类型", choices=Asset.Type.choices)
    zone = django_filters.ChoiceFilter(label="网络区域", choices=NetworkZone.choices)
    secrecy = django_filters.ChoiceFilter(label="密级", choices=Secrecy.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=Asset.Status.choices)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    custodian = django_filters.CharFilter(label="责任人", method="filter_custodian")
    critical_infrastructure = django_filters.BooleanFilter(label="关键信息基础设施")

    class Meta:
        model = Asset
        fields = [
            "q",
            "type",
            "zone",
            "secrecy",
            "status",
            "department",
            "custodian",
            "critical_infrastructure",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(name__icontains=value)
            | Q(serial__icontains=value)
            | Q(model_number__icontains=value)
            | Q(location__icontains=value)
        )

    def filter_custodian(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(custodian__username=value) | Q(custodian__profile__full_name__icontains=value)
        )


class ComplianceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    rule = django_filters.ChoiceFilter(label="问题", choices=(), method="filter_rule")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    type = django_filters.ChoiceFilter(label="类型", choices=Asset.Type.choices)

    class Meta:
        model = Asset
        fields = ["q", "rule", "department", "type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["rule"].extra["choices"] = [(rule.code, rule.label) for rule in compliance_rules()]

    search = AssetFilterSet.search

    def filter_rule(self, queryset, name, value):
        return queryset.filter(compliance_conditions()[value])
