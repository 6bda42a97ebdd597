from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from szmz_security.core.redirects import safe_next_url
from szmz_security.core.views import (
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    object_urls,
    visible_object_or_404,
)

from . import services
from .filters import NotificationFilterSet, ObligationFilterSet
from .forms import ObligationMeetForm, ObligationWaiveForm
from .models import Notification, Obligation
from .tables import NotificationTable, ObligationTable


class ObligationListView(ObjectListView):
    model = Obligation
    table_class = ObligationTable
    filterset_class = ObligationFilterSet
    title = "待办义务"
    actions = ("export",)

    def get_queryset(self):
        return super().get_queryset().select_related("department")


class ObligationView(ObjectView):
    model = Obligation
    template_name = "obligations/obligation.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "assignee", "met_by", "waived_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meet_form=ObligationMeetForm(),
            waive_form=ObligationWaiveForm(),
            schedule=[(when, stage) for when, stage in services.schedule(self.object)],
            notifications_sent=self.object.notifications.values("stage").distinct().count(),
        )
        return context


class ObligationHistoryView(ObjectHistoryView):
    model = Obligation


def _close(request, pk, form_class, action):
    obligation = visible_object_or_404(Obligation, request.user, pk, "change")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if action == "meet":
                services.meet(
                    obligation,
                    by=request.user,
                    evidence=form.cleaned_data["evidence"],
                    at=form.cleaned_data["met_at"],
                )
            else:
                services.waive(obligation, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"已更新：{obligation}（{obligation.get_state_display()}）")
            return redirect(obligation)
    context = {
        "object": obligation,
        "tab": "detail",
        "model_meta": Obligation._meta,
        "urls": object_urls(Obligation, obligation),
        "meet_form": form if action == "meet" else ObligationMeetForm(),
        "waive_form": form if action == "waive" else ObligationWaiveForm(),
        "can_change": True,
        "schedule": services.schedule(obligation),
    }
    return render(request, "obligations/obligation.html", context, status=400)


@login_required
@require_POST
def obligation_meet(request, pk):
    return _close(request, pk, ObligationMeetForm, "meet")


@login_required
@require_POST
def obligation_waive(request, pk):
    return _close(request, pk, ObligationWaiveForm, "waive")


class NotificationListView(ObjectListView):
    model = Notification
    table_class = NotificationTable
    filterset_class = NotificationFilterSet
    title = "我的通知"
    actions = ()
    template_name = "obligations/notification_list.html"


@login_required
@require_POST
def notification_read(request, pk=None):
    """Mark one notification (or, without pk, all of mine) read; htmx swaps the bell."""
    mine = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    if pk is not None:
        mine = mine.filter(pk=pk)
    mine.update(read_at=timezone.now())
    if request.htmx:
        unread = Notification.objects.unread_badge(request.user)
        return render(request, "includes/bell.html", {"unread_notifications": unread})
    return redirect(safe_next_url(request, "obligations:notification_list"))
