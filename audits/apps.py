from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "风险评估与合规"

    def dashboard_cards(self, user):
        from .models import Risk
        from .risk_levels import HIGH_LEVELS, level_q

        return [
            {
                "name": "重大/较大风险",
                "icon": "exclamation-diamond",
                "count": Risk.objects.visible_to(user)
                .filter(status=Risk.Status.OPEN)
                .filter(level_q(*HIGH_LEVELS))
                .count(),
                "unit": "项",
                "url_name": "audits:risk_list",
            }
        ]
