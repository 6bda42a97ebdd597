from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrgConfig(AppConfig):
    name = "szmz_security.org"
    label = "org"
    verbose_name = "组织与权限"

    def ready(self):
        from .roles import sync_roles_after_migrate

        # Later apps add models (and so permissions); keep the role groups complete after every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="org.sync_roles")
