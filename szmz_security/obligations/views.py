from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from szmz_security.core.redirects import safe_next_url
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin, ObjectListView, ObjectView

from . import services
from .filters import NotificationFilterSet, ObligationFilterSet
from .forms import ObligationMeetForm, ObligationWaiveForm
from .models import Notification, Obligation
from .tables import NotificationTable, ObligationTable

register_model(
    Obligation,
    path="obligations",
    table=ObligationTable,
    filterset=ObligationFilterSet,
    title="待办义务",
    actions=("list", "detail", "history"),
)
register_model(
    Notification,
    path="notifications",
    table=NotificationTable,
    filterset=NotificationFilterSet,
    title="我的通知",
    actions=("list",),
)


@register_model_view(Obligation, "list")
class ObligationListView(ObjectListView):
    model = Obligation
    table_class = ObligationTable
    filterset_class = ObligationFilterSet
    title = "待办义务"
    actions = ("export",)

    def get_queryset(self):
        return super().get_queryset().select_related("department")


@register_model_view(Obligation, "detail")
class ObligationView(DetailFormsMixin, ObjectView):
    model = Obligation
    template_name = "obligations/obligation.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "assignee", "met_by", "waived_by")

    def default_forms(self):
        return {"meet_form": ObligationMeetForm(), "waive_form": ObligationWaiveForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            schedule=[(when, stage) for when, stage in services.schedule(self.object)],
            notifications_sent=self.object.notifications.values("stage").distinct().count(),
            subject_link=self.subject_link(self.object.subject),
        )
        return context

    def subject_link(self, subject):
        """The subject's page, when the user may open it: an officer who owes a deadline may not
        see its record (a classified person, an archive series), and a link must not answer 404."""
        url = getattr(subject, "get_absolute_url", None)
        if url is None:
            return None
        manager = getattr(type(subject), "objects", None)
        if (
            hasattr(manager, "visible_to")
            and not manager.visible_to(self.request.user).filter(pk=subject.pk).exists()
        ):
            return None
        return url()


@register_model_view(Obligation, "meet")
class ObligationMeetView(ObjectActionMixin, ObligationView):
    form_class = ObligationMeetForm
    form_name = "meet_form"

    def perform(self, form, obligation):
        data = form.cleaned_data
        services.meet(obligation, by=self.request.user, evidence=data["evidence"], at=data["met_at"])
        return f"已更新：{obligation}（{obligation.get_state_display()}）"


@register_model_view(Obligation, "waive")
class ObligationWaiveView(ObjectActionMixin, ObligationView):
    form_class = ObligationWaiveForm
    form_name = "waive_form"

    def perform(self, form, obligation):
        services.waive(obligation, by=self.request.user, reason=form.cleaned_data["reason"])
        return f"已更新：{obligation}（{obligation.get_state_display()}）"


@register_model_view(Notification, "list")
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
    """Mark one notification (or, without pk, all of mine) read; htmx swaps the bell. A message
    not sent to me does not exist for me (404)."""
    notification = None
    if pk is not None:
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(request.user, notification)
    if request.htmx:
        unread = Notification.objects.unread_badge(request.user)
        return render(request, "includes/bell.html", {"unread_notifications": unread})
    return redirect(safe_next_url(request, "obligations:notification_list"))
