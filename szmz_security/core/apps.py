from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "szmz_security.core"
    label = "core"
    verbose_name = "平台"
