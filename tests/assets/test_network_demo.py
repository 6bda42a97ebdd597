"""The network part of ``manage.py seed_demo`` (assets/demo.py ``seed_network``): two subnets,
the demo assets' MACs and IPs, one run with open items; running it twice adds nothing."""

import pytest
from django.core.management import call_command

from assets.models import IPAssignment, MacAddress, Reconciliation, ReconciliationItem, Subnet

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        model.objects.count()
        for model in (Subnet, IPAssignment, MacAddress, Reconciliation, ReconciliationItem)
    )


def test_seed_network_is_idempotent_and_leaves_open_items(capsys):
    call_command("seed_demo")
    first = counts()
    assert first[0] == 2
    assert first[1] >= 5 and first[2] == first[1]
    run = Reconciliation.objects.get()
    kinds = set(run.items.values_list("kind", flat=True))
    assert {"unregistered_mac", "ip_mismatch", "not_seen"} <= kinds
    assert run.items.filter(resolution="open").count() == run.items.count()
    call_command("seed_demo")
    assert counts() == first
