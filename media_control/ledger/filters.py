import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from szmz_security.core.choices import NetworkZone
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import search_content
from szmz_security.org.models import Department

from ..movements.models import Checkout
from .models import Medium, SecrecyLevel


def overdue_returns():
    """Media with a check-out whose open return obligation is past its deadline. An ``IN`` over
    the few checked-out media (state is indexed), not a correlated EXISTS per ledger row: that
    one took seconds over 20,000 media (bench/bench_media.py)."""
    return Checkout.objects.filter(
        state=Checkout.State.CHECKED_OUT,
        obligation__state=Obligation.State.OPEN,
        obligation__due_at__lte=timezone.now(),
    ).values("medium")


class MediumFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    secrecy_level = django_filters.ChoiceFilter(label="密级", choices=SecrecyLevel.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=Medium.Status.choices)
    type = django_filters.ChoiceFilter(label="类型", choices=Medium.Type.choices)
    zone = django_filters.ChoiceFilter(label="使用网络", choices=NetworkZone.choices)
    custodian = django_filters.ModelChoiceFilter(
        label="保管人",
        queryset=lambda request: (
            get_user_model()
            .objects.filter(pk__in=Medium.objects.exclude(custodian=None).values("custodian"))
            .select_related("profile")
            .order_by("username")
        ),
    )
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    overdue = django_filters.BooleanFilter(label="逾期未还", method="filter_overdue")

    class Meta:
        model = Medium
        fields = ["q", "secrecy_level", "status", "type", "zone", "custodian", "department", "overdue"]

    def search(self, queryset, name, value):
        return search_content(
            queryset,
            Q(serial__icontains=value) | Q(brand__icontains=value) | Q(model_number__icontains=value),
            public=Q(number__icontains=value),
        )

    def filter_overdue(self, queryset, name, value):
        overdue = Q(pk__in=overdue_returns())
        return queryset.filter(overdue if value else ~overdue)
