import django_filters

from .models import QuarterlyReview


class QuarterlyReviewFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="类型", choices=QuarterlyReview.Kind.choices)
    year = django_filters.NumberFilter(label="年度")
    signed = django_filters.BooleanFilter(
        label="已签发", field_name="signed_off_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = QuarterlyReview
        fields = ["kind", "year", "signed"]
