import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from szmz_security.obligations.models import Obligation
from szmz_security.org.access import search_content
from szmz_security.org.models import Department

from .categories import PERSONAL_INFO_GRADE_THRESHOLDS, Category, Grade
from .models import Incident


def effective_grade_expression():
    """``Incident.effective_grade`` in SQL: the officer's grade, else the suggestion, else 一般,
    never below what the personal-information count forces."""
    minimum = Case(
        *[
            When(personal_info_count__gte=threshold, then=Value(int(grade)))
            for threshold, grade in PERSONAL_INFO_GRADE_THRESHOLDS
        ],
        default=Value(int(Grade.GENERAL)),
        output_field=IntegerField(),
    )
    assessed = Coalesce("grade", "suggested_grade", Value(int(Grade.GENERAL)), output_field=IntegerField())
    return Greatest(assessed, minimum, output_field=IntegerField())


def overdue_obligations():
    """An open obligation of the incident (row of the outer query) whose deadline has passed."""
    return Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Incident),
        subject_id=OuterRef("pk"),
        state=Obligation.State.OPEN,
        due_at__lte=timezone.now(),
    )


class IncidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    state = django_filters.ChoiceFilter(label="状态", choices=Incident.State.choices)
    grade = django_filters.ChoiceFilter(label="等级", choices=Grade.choices, method="filter_grade")
    category = django_filters.ChoiceFilter(label="事件类型", choices=Category.choices)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    overdue = django_filters.BooleanFilter(label="逾期", method="filter_overdue")
    secret_leak = django_filters.BooleanFilter(label="涉及泄密")
    since = django_filters.DateFilter(label="发现不早于", field_name="discovered_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label="发现不晚于", field_name="discovered_at", lookup_expr="date__lte")

    class Meta:
        model = Incident
        fields = ["q", "state", "grade", "category", "department", "overdue", "secret_leak", "since", "until"]

    def search(self, queryset, name, value):
        return search_content(
            queryset, Q(title__icontains=value) | Q(description__icontains=value) | Q(place__icontains=value)
        )

    def filter_grade(self, queryset, name, value):
        # The grade the deadlines follow (as shown in the list), not only an officer's grade.
        return queryset.alias(effective_grade=effective_grade_expression()).filter(effective_grade=int(value))

    def filter_overdue(self, queryset, name, value):
        has_overdue = Exists(overdue_obligations())
        return queryset.filter(has_overdue if value else ~has_overdue)
