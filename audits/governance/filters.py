import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from . import services as governance
from .models import (
    AccountReview,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    SecurityScan,
    TrainingSession,
)

PERSON_SEARCH = ("__username__icontains", "__profile__full_name__icontains")


def person_q(field, value):
    query = Q()
    for suffix in PERSON_SEARCH:
        query |= Q(**{f"{field}{suffix}": value})
    return query


class OfficerAppointmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    kind = django_filters.ChoiceFilter(label="类型", choices=OfficerAppointment.Kind.choices)
    current = django_filters.BooleanFilter(label="在任", method="filter_current")

    class Meta:
        model = OfficerAppointment
        fields = ["q", "kind", "current"]

    def search(self, queryset, name, value):
        return queryset.filter(person_q("person", value) | Q(phone__icontains=value))

    def filter_current(self, queryset, name, value):
        current = governance.current_appointments(queryset).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class OnCallShiftFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    on = django_filters.DateFilter(
        label="日期", method="filter_on", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = OnCallShift
        fields = ["q", "on"]

    def search(self, queryset, name, value):
        return queryset.filter(person_q("person", value) | Q(phone__icontains=value))

    def filter_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class SecurityScanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(
        label="年度", field_name="scanned_on", lookup_expr="year", min_value=1900, max_value=2999
    )
    open_findings = django_filters.BooleanFilter(label="有未整改发现", method="filter_open")

    class Meta:
        model = SecurityScan
        fields = ["q", "year", "open_findings"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(tool__icontains=value) | Q(system__icontains=value) | Q(summary__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        has_open = Q(findings__fixed_on__isnull=True, findings__isnull=False)
        open_pks = SecurityScan.objects.filter(has_open).values("pk")
        return queryset.filter(pk__in=open_pks) if value else queryset.exclude(pk__in=open_pks)


class PatchRecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(
        label="年度", field_name="applied_on", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = PatchRecord
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(system__icontains=value) | Q(patch_id__icontains=value) | Q(note__icontains=value)
        )


class LogSourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    below_law = django_filters.BooleanFilter(label="保存期低于六个月", method="filter_below_law")
    stale = django_filters.BooleanFilter(label="核查过期", method="filter_stale")

    class Meta:
        model = LogSource
        fields = ["q", "below_law", "stale"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(system__icontains=value) | Q(location__icontains=value))

    def filter_below_law(self, queryset, name, value):
        q = Q(retention_days__lt=governance.LOG_RETENTION_LAW)
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_stale(self, queryset, name, value):
        q = governance.stale_log_sources_q()
        return queryset.filter(q) if value else queryset.exclude(q)


class TrainingSessionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(
        label="年度", field_name="held_on", lookup_expr="year", min_value=1900, max_value=2999
    )

    class Meta:
        model = TrainingSession
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(trainer__icontains=value) | Q(audience__icontains=value)
        )


class AccountReviewFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    kind = django_filters.ChoiceFilter(label="类型", choices=AccountReview.Kind.choices)
    closed = django_filters.BooleanFilter(
        label="已完成", field_name="closed_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = AccountReview
        fields = ["q", "kind", "closed"]

    def search(self, queryset, name, value):
        return queryset.filter(person_q("subject", value) | Q(reason__icontains=value))


class PrivilegedAccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    overdue = django_filters.BooleanFilter(label="密码逾期未更换", method="filter_overdue")
    active = django_filters.BooleanFilter(label="在用")

    class Meta:
        model = PrivilegedAccount
        fields = ["q", "overdue", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(system__icontains=value) | Q(account_name__icontains=value) | person_q("holder", value)
        )

    def filter_overdue(self, queryset, name, value):
        q = governance.overdue_accounts_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)
