import django_filters
from django.db.models import Q

from .models import Platform, PublicAccount, PublicAccountReview


class PublicAccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    platform = django_filters.ChoiceFilter(label="平台", choices=Platform.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=PublicAccount.Status.choices)

    class Meta:
        model = PublicAccount
        fields = ["q", "platform", "status", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(account_id__icontains=value)
            | Q(registered_entity__icontains=value)
            | Q(content_officer__profile__full_name__icontains=value)
        )


class PublicAccountReviewFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(label="年度")
    done = django_filters.BooleanFilter(
        label="已完成", field_name="reviewed_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = PublicAccountReview
        fields = ["q", "year", "done"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(account__name__icontains=value) | Q(conclusion__icontains=value))
