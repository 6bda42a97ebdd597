"""The start page: my obligations due soon and overdue, and counts per app.

Each app contributes its own cards through ``AppConfig.dashboard_cards(user)`` so the dashboard
grows as the apps land, with one query per card whatever the row count.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.utils import timezone
from django.views.generic import TemplateView

from szmz_security.obligations.models import Obligation


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard.html"
    list_size = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        # with_content_access: a restricted record's obligation shows without its title (#13).
        mine = (
            Obligation.objects.visible_to(user).with_content_access(user).open().select_related("department")
        )
        cards = []
        for app_config in apps.get_app_configs():
            if hasattr(app_config, "dashboard_cards"):
                cards.extend(app_config.dashboard_cards(user))
        context.update(
            now=now,
            overdue=list(mine.overdue(now).order_by("due_at")[: self.list_size]),
            due_soon=list(mine.due_soon(now).order_by("due_at")[: self.list_size]),
            obligation_counts=mine.aggregate(
                open=Count("pk"),
                overdue=Count("pk", filter=Q(due_at__lte=now)),
                due_soon=Count(
                    "pk",
                    filter=Q(
                        due_at__gt=now,
                        due_at__lte=now + timezone.timedelta(hours=settings.OBLIGATION_DUE_SOON_HOURS),
                    ),
                ),
            ),
            app_cards=cards,
            due_soon_hours=settings.OBLIGATION_DUE_SOON_HOURS,
        )
        return context
