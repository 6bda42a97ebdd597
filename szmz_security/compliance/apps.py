from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "szmz_security.compliance"
    label = "compliance"
    verbose_name = "风险与合规"

    def ready(self):
        from django.db.models.signals import post_migrate

        # The evidence kinds register themselves with the evaluator on import.
        from . import attestations, checks, deadlines  # noqa: F401
        from .loader import load_after_migrate

        # A fresh or flushed database (transactional tests) gets the frameworks, as roles and
        # reporting rules do; unchanged files are skipped by their digest.
        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="compliance.load_frameworks")
