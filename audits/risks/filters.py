import django_filters
from django import forms
from django.db.models import Q

from szmz_security.org.models import Department

from .. import risk_levels
from .models import Risk

LEVEL_CHOICES = [(level, risk_levels.LEVEL_LABELS[level]) for level in risk_levels.LEVELS]


class RiskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    level = django_filters.ChoiceFilter(label="风险等级", choices=LEVEL_CHOICES, method="filter_level")
    status = django_filters.ChoiceFilter(label="状态", choices=Risk.Status.choices)
    treatment = django_filters.ChoiceFilter(label="处置方式", choices=Risk.Treatment.choices)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    # By id, hidden: the project page and the heat map link here; a select of every project would
    # cost more to render than the table itself (bench/bench_audits.py).
    project = django_filters.NumberFilter(label="项目", field_name="project", widget=forms.HiddenInput)
    likelihood = django_filters.NumberFilter(label="可能性")
    severity = django_filters.NumberFilter(label="严重程度")

    class Meta:
        model = Risk
        fields = ["q", "level", "status", "treatment", "department", "project", "likelihood", "severity"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(plan__icontains=value)
        )

    def filter_level(self, queryset, name, value):
        return queryset.filter(risk_levels.level_q(value))
