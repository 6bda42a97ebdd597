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

    def dashboard_cards(self, user):
        """The three administrators' card (#21): role assignment for the security administrator,
        and, for all three, a warning while an active superuser exists (set-up only)."""
        from django.contrib.auth import get_user_model

        from .roles import ADMINISTRATOR_ROLES, user_role_codes

        held = [role for role in ADMINISTRATOR_ROLES if role.code in user_role_codes(user)]
        if not held:
            return []
        superusers = get_user_model().objects.filter(is_superuser=True, is_active=True).count()
        url_name = {
            "security_administrator": "org:role_list",
            "audit_administrator": "auditlog:auditevent_list",
            "system_administrator": "admin:index",
        }[held[0].code]
        return [
            {
                "name": "在用的超级用户",
                "icon": "person-exclamation",
                "count": superusers,
                "unit": "个",
                "url_name": url_name,
                "warning": (
                    f"存在 {superusers} 个在用的超级用户：超级用户仅用于首次设置，请由系统管理员停用。"
                    if superusers
                    else ""
                ),
            }
        ]
