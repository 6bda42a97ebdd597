"""The least-privilege table (#21): README.md shows exactly what each role holds."""

import pytest
from django.contrib.auth.models import Group, Permission

from szmz_security.org.duties import README, effective_permissions, readme_table, render_table

pytestmark = pytest.mark.django_db


def test_readme_table_is_every_roles_effective_permissions():
    rendered = render_table(Group, Permission)
    documented = readme_table(README.read_text(encoding="utf-8"))
    assert documented == rendered, (
        "README.md's least-privilege table differs from the roles' permissions; "
        "run `python manage.py roles_table --write` and review the change.\n" + rendered
    )


def test_the_administrators_hold_only_their_duty():
    held = effective_permissions(Group, Permission)
    system, security, audit = (
        held["system_administrator"],
        held["security_administrator"],
        held["audit_administrator"],
    )
    business = ("incidents.", "assets.", "media_control.", "audits.", "publishing.publication", "compliance.")
    # No business content for the system administrator, no roles, no audit log.
    assert not {p for p in system if p.startswith(business)}
    assert not {p for p in system if p.startswith("auditlog.")}
    assert "org.assign_roles" not in system and "auth.change_group" not in system
    assert {"auth.add_user", "auth.change_user", "org.change_department"} <= system
    # The security administrator assigns and grants, reads no restricted content.
    assert {"org.assign_roles", "org.share_any_record"} <= security
    assert "org.read_restricted_content" not in security
    assert not {p for p in security if p.startswith(("incidents.", "media_control.", "auditlog."))}
    # The audit administrator: the audit log only.
    assert audit and all(p.startswith("auditlog.view_") for p in audit)
