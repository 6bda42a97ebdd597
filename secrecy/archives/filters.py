import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from .models import ArchiveSeries, Grade


class ArchiveSeriesFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    grade = django_filters.ChoiceFilter(label="保密等级", choices=Grade.choices)
    review_due = django_filters.BooleanFilter(
        label="复评已到期", method="filter_review_due", widget=forms.NullBooleanSelect
    )

    class Meta:
        model = ArchiveSeries
        fields = ["q", "grade", "review_due", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(basis__icontains=value)
        )

    def filter_review_due(self, queryset, name, value):
        due = Q(next_review_on__lte=timezone.localdate())
        return queryset.filter(due) if value else queryset.exclude(due)
