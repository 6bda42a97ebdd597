import django_filters
from django.db.models import Q
from django.utils import timezone

from szmz_security.org.models import Department

from .models import Notification, NotificationReceipt, Obligation

STATE_CHOICES = [("overdue", "已逾期"), ("due_soon", "即将到期"), *Obligation.State.choices]


class ObligationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=STATE_CHOICES, method="filter_status")
    department = django_filters.ModelChoiceFilter(label="部门", queryset=Department.objects.all())
    due_after = django_filters.DateFilter(label="截止不早于", field_name="due_at", lookup_expr="date__gte")
    due_before = django_filters.DateFilter(label="截止不晚于", field_name="due_at", lookup_expr="date__lte")
    mine = django_filters.BooleanFilter(label="只看分配给我的", method="filter_mine")

    class Meta:
        model = Obligation
        fields = ["q", "status", "department", "due_after", "due_before"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(clause__icontains=value) | Q(authority__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.overdue(now)
        if value == "due_soon":
            return queryset.due_soon(now)
        return queryset.filter(state=value)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value else queryset


class NotificationFilterSet(django_filters.FilterSet):
    # read_at and email_status are the reader's own (annotated by Notification.objects.visible_to).
    unread = django_filters.BooleanFilter(label="只看未读", field_name="read_at", lookup_expr="isnull")
    level = django_filters.ChoiceFilter(label="级别", choices=Notification.Level.choices)
    email_status = django_filters.ChoiceFilter(
        label="邮件状态", choices=NotificationReceipt.EmailStatus.choices, field_name="email_status"
    )
    q = django_filters.CharFilter(label="搜索", field_name="title", lookup_expr="icontains")

    class Meta:
        model = Notification
        fields = ["unread", "level", "email_status", "q"]
