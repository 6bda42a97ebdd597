from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "安全事件"

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
