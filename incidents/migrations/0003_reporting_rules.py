"""Seed the reporting rules (editable afterwards in the admin under 报告规则)."""

from django.db import migrations

from incidents.rules_seed import RULES, ensure_reporting_rules


def seed(apps, schema_editor):
    ensure_reporting_rules(apps.get_model("incidents", "ReportingRule"))


def unseed(apps, schema_editor):
    apps.get_model("incidents", "ReportingRule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
