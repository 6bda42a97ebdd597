from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "szmz_security.obligations"
    label = "obligations"
    verbose_name = "义务与提醒"
