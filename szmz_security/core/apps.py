from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "szmz_security.core"
    label = "core"
    verbose_name = "平台"

    def ready(self):
        from . import tables  # noqa: F401 - registers YesNoColumn for every table's BooleanFields
