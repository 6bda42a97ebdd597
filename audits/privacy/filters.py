import django_filters
from django.db.models import Q

from .models import Category, LegalBasis, PersonalDataDestruction, PersonalDataInventory


class PersonalDataInventoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    legal_basis = django_filters.ChoiceFilter(label="合法性基础", choices=LegalBasis.choices)
    category = django_filters.ChoiceFilter(
        label="个人信息类别", choices=Category.choices, method="filter_category"
    )

    class Meta:
        model = PersonalDataInventory
        fields = ["q", "legal_basis", "category", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(system__icontains=value) | Q(dataset__icontains=value) | Q(subjects__icontains=value)
        )

    def filter_category(self, queryset, name, value):
        # JSON list membership, the same on SQLite and PostgreSQL: the code as a quoted string.
        return queryset.filter(categories__icontains=f'"{value}"')


class PersonalDataDestructionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    method = django_filters.ChoiceFilter(label="方式", choices=PersonalDataDestruction.Method.choices)

    class Meta:
        model = PersonalDataDestruction
        fields = ["q", "method", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(scope__icontains=value) | Q(inventory__dataset__icontains=value))
