"""`manage.py seed_demo`: the bureau's departments, one user per role, a few records — idempotent,
and never in production settings."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from incidents.models import Incident
from publishing.models import BoardMessage, Publication
from szmz_security.obligations.models import Obligation
from szmz_security.org.models import Department
from szmz_security.org.roles import ROLES

pytestmark = pytest.mark.django_db


def counts():
    return (
        Department.objects.count(),
        get_user_model().objects.count(),
        Incident.objects.count(),
        Obligation.objects.count(),
        Publication.objects.count(),
        BoardMessage.objects.count(),
    )


def test_demo_data_covers_every_role_and_runs_twice_without_change(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "Szmz-Demo-2026" in out and "officer" in out
    users = get_user_model().objects.prefetch_related("groups")
    held = {group.name for user in users for group in user.groups.all()}
    assert {role.name for role in ROLES} <= held
    assert Department.objects.filter(name="社会救助处").exists()
    # The demo leak owes the secrecy bureau a report and is need-to-know.
    leak = Incident.objects.get(secret_leak=True)
    assert leak.restricted
    assert leak.obligations.filter(authority="保密机关").exists()
    assert BoardMessage.objects.filter(status=BoardMessage.Status.HELD).exists()


def test_demo_data_is_refused_in_production(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="生产环境"):
        call_command("seed_demo")
    assert counts() == (0, 0, 0, 0, 0, 0)
