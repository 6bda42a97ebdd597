"""三员分立 (#21): the all-powerful 系统管理员 ("*") becomes the least-privilege system administrator.

Its holders keep the group (same name), so they are the new 系统管理员; the group loses every
permission the new role does not declare (the post_migrate sync only adds, it would keep "*").
The 安全管理员 and 审计管理员 groups are created empty of members: the first set-up assigns them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from szmz_security.org.roles import SYSTEM_ADMINISTRATOR, permission_matches, sync_roles


def split_administrator(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group = group_model.objects.filter(name=SYSTEM_ADMINISTRATOR.name).first()
    if group is not None:
        group.permissions.set(
            [
                permission.pk
                for permission in permission_model.objects.select_related("content_type")
                if permission_matches(SYSTEM_ADMINISTRATOR, permission.content_type.app_label, permission.codename)
            ]
        )
    sync_roles(group_model, permission_model)


class Migration(migrations.Migration):
    dependencies = [("org", "0003_duties")]

    # Backwards: nothing to restore; giving one account every permission again is not a rollback
    # anyone should get by accident.
    operations = [migrations.RunPython(split_administrator, migrations.RunPython.noop)]
