import django_filters
from django.db.models import Q

from szmz_security.org.access import search_content

from .models import ClassifiedPerson, SecrecyEducation


def person_q(field, value):
    return Q(**{f"{field}__username__icontains": value}) | Q(
        **{f"{field}__profile__full_name__icontains": value}
    )


class ClassifiedPersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    level = django_filters.ChoiceFilter(label="涉密等级", choices=ClassifiedPerson.Level.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=ClassifiedPerson.Status.choices)

    class Meta:
        model = ClassifiedPerson
        fields = ["q", "level", "status", "department"]

    def search(self, queryset, name, value):
        # Names and posts are content: a restricted row matches only where the user reads it.
        return search_content(queryset, person_q("person", value) | Q(post__icontains=value))


class SecrecyEducationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(
        label="年度", field_name="held_on", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = SecrecyEducation
        fields = ["q", "year", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(topic__icontains=value) | Q(organizer__icontains=value))
