"""Filters of the machine-room list."""

import django_filters
from django.db.models import Q

from szmz_security.org.models import Department

from .models import MachineRoom


class MachineRoomFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = MachineRoom
        fields = ["q", "department", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(location__icontains=value))
