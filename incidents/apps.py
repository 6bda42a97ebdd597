from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "安全事件"

    def ready(self):
        from . import evidence  # noqa: F401 - registers the incident compliance evidence kinds
        from .rules_seed import ensure_after_migrate

        # A flushed database (transactional tests) gets the shipped rules back, as roles do.
        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="incidents.reporting_rules")

    def dashboard_cards(self, user):
        from .models import Incident

        return [
            {
                "name": "安全事件",
                "icon": "exclamation-octagon",
                "count": Incident.objects.visible_to(user).count(),
                "unit": "起",
                "url_name": "incidents:incident_list",
            }
        ]
