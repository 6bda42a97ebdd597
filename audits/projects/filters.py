import django_filters
from django.db.models import Q

from szmz_security.org.models import Department

from .models import Project


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    state = django_filters.ChoiceFilter(label="状态", choices=Project.State.choices)
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())

    class Meta:
        model = Project
        fields = ["q", "state", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
