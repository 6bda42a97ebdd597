from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import ObjectListView

from .filters import AuditEventFilterSet
from .models import AuditEvent, AuditPurge
from .services import last_verification
from .tables import AuditEventTable

register_model(AuditEvent, path="", actions=("list",))


@register_model_view(AuditEvent, "list")
class AuditEventListView(PermissionRequiredMixin, ObjectListView):
    """Officers search the log; the list is read-only by design (等保 2.0: no tampering)."""

    model = AuditEvent
    table_class = AuditEventTable
    filterset_class = AuditEventFilterSet
    # Anonymous visitors are sent to sign in; a signed-in user without the permission gets 403.
    permission_required = "auditlog.view_auditevent"
    title = "审计日志"
    actions = ("export",)
    paginate_by = 50
    template_name = "auditlog/auditevent_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention"] = sorted(settings.AUDIT_RETENTION_DAYS.items())
        context["purges"] = AuditPurge.objects.visible_to(self.request.user)[:10]
        context["class_labels"] = dict(AuditEvent.LogClass.choices)
        context["verification"] = last_verification()
        return context
