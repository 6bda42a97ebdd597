from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "风险评估与合规"

    def ready(self):
        from .governance import evidence, signals  # noqa: F401 - evidence registers its kinds on import

        signals.connect()

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
            },
            *self.governance_cards(user),
        ]

    def governance_cards(self, user):
        """安全员配备 (2 §1): a warning card while the roster is short of 1 专职 + 3 兼职."""
        from .governance.services import roster_status

        if not user.has_perm("audits.view_officerappointment"):
            return []
        status = roster_status()
        missing = status["missing"]
        return [
            {
                "name": "安全员配备不足（应1专3兼）" if missing else "安全员配备（1专3兼已满足）",
                "icon": "person-exclamation" if missing else "person-check",
                "count": missing,
                "unit": "人缺口",
                "url_name": "audits:officerappointment_list",
                "warning": "；".join(status["problems"]),
            }
        ]
