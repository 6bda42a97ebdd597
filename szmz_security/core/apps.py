from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "szmz_security.core"
    label = "core"
    verbose_name = "平台"

    def ready(self):
        from . import checks, tables  # noqa: F401 - registers the start-up checks; YesNoColumn for BooleanFields
