"""Filters of the classified documents register: a search box and the obvious facets."""

import django_filters
from django.db.models import Q

from szmz_security.org.access import search_content

from .models import ClassifiedDocument, DocumentCustodian, SecrecyPeriodReview

PERSON_SEARCH = ("__username__icontains", "__profile__full_name__icontains")


def person_q(field, value):
    query = Q()
    for suffix in PERSON_SEARCH:
        query |= Q(**{f"{field}{suffix}": value})
    return query


class ClassifiedDocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    level = django_filters.ChoiceFilter(label="密级", choices=ClassifiedDocument.Level.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=ClassifiedDocument.Status.choices)

    class Meta:
        model = ClassifiedDocument
        fields = ["q", "level", "status", "department"]

    def search(self, queryset, name, value):
        # The title, issuer and 文号 are content: they match a restricted row only for its readers.
        content = (
            Q(title__icontains=value)
            | Q(issuer__icontains=value)
            | Q(document_number__icontains=value)
            | person_q("custodian", value)
        )
        return search_content(queryset, content, public=Q(number__icontains=value))


class DocumentCustodianFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    current = django_filters.BooleanFilter(label="在任", field_name="ended_on", lookup_expr="isnull")

    class Meta:
        model = DocumentCustodian
        fields = ["q", "current", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(person_q("person", value) | Q(note__icontains=value))


class SecrecyPeriodReviewFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(label="年度")
    result = django_filters.ChoiceFilter(label="审查结论", choices=SecrecyPeriodReview.Result.choices)

    class Meta:
        model = SecrecyPeriodReview
        fields = ["q", "year", "result", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(person_q("reviewed_by", value) | Q(note__icontains=value))
