import django_filters

from szmz_security.org.models import Department

from .models import Inventory


class InventoryFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    state = django_filters.ChoiceFilter(label="状态", choices=Inventory.State.choices)

    class Meta:
        model = Inventory
        fields = ["year", "department", "state"]
