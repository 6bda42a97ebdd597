"""Create the bureau's role groups (工作人员, 处室负责人, 安全员, 信息员, 局领导, 保密办, 系统管理员,
检查员) with their global permissions. Apps migrated later get theirs from the post_migrate sync
(szmz_security/org/roles.py), which applies the same definitions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from szmz_security.org.roles import ROLES, sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; create those that exist so far now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[role.name for role in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
