from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    name = "szmz_security.auditlog"
    label = "auditlog"
    verbose_name = "审计日志"

    def ready(self):
        from . import signals  # noqa: F401 - connects the log-in / log-out receivers
        from .retention import validate_retention_settings

        # Refuse to start with a retention the regulation forbids (chapter 2 §5, 8 §1).
        validate_retention_settings()
