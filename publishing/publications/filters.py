import django_filters
from django.db.models import Q

from szmz_security.org.models import Department

from . import services
from .models import Channel, Publication


class PublicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    state = django_filters.ChoiceFilter(label="状态", choices=Publication.State.choices)
    channel = django_filters.ChoiceFilter(label="发布渠道", choices=Channel.choices)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    is_major = django_filters.BooleanFilter(label="重大事项")
    pending = django_filters.BooleanFilter(label="待我审批", method="filter_pending")

    class Meta:
        model = Publication
        fields = ["q", "state", "channel", "department", "is_major", "pending"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))

    def filter_pending(self, queryset, name, value):
        pending = services.pending_for(self.request.user, Publication.objects.all())
        condition = Q(pk__in=pending.values("pk"))
        return queryset.filter(condition if value else ~condition)
