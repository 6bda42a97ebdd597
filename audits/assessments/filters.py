import django_filters
from django.db.models import Q

from .models import ExternalAssessment


class ExternalAssessmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    kind = django_filters.ChoiceFilter(label="测评类型", choices=ExternalAssessment.Kind.choices)
    year = django_filters.NumberFilter(
        label="年度", field_name="assessed_on", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = ExternalAssessment
        fields = ["q", "kind", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(assessor__icontains=value) | Q(systems__icontains=value) | Q(conclusion__icontains=value)
        )
