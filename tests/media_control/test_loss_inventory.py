"""Loss files an incident with its clock; the annual inventory and its obligation."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from incidents.models import Incident
from media_control.inventory import services as inventory_services
from media_control.ledger import services as ledger_services
from media_control.models import Checkout, Inventory, InventoryLine, Medium
from media_control.movements import services as movement_services
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import can

from .factories import MediumFactory


def test_lost_classified_medium_files_a_secret_leak_with_its_24_hour_clock(
    confidential_medium, keeper, staff
):
    incident = movement_services.report_lost(confidential_medium, by=keeper, description="出差途中遗失")
    confidential_medium.refresh_from_db()
    assert confidential_medium.status == Medium.Status.LOST
    assert confidential_medium.incident == incident
    assert incident.secret_leak and incident.restricted
    assert incident.category == "information_damage" and incident.subcategory == "damage.leak"
    assert incident.department == confidential_medium.department
    assert incident.reported_by == keeper
    assert confidential_medium.number in incident.title
    owed = Obligation.objects.get(subject_id=incident.pk, kind="incident.secrecy")
    assert owed.due_at == incident.discovered_at + timedelta(hours=24)
    assert owed.due_at - timezone.now() <= timedelta(hours=24)
    # Need-to-know: the department's other staff do not see the leak.
    assert not can(staff, "view", incident)
    assert can(keeper, "view", incident)


def test_lost_unclassified_medium_files_an_ordinary_loss(medium, keeper):
    incident = movement_services.report_lost(medium, by=keeper, description="找不到了")
    assert not incident.secret_leak
    assert incident.subcategory == "damage.loss"
    assert not Obligation.objects.filter(subject_id=incident.pk, kind="incident.secrecy").exists()


def test_loss_during_checkout_closes_the_return(medium, staff, head, keeper):
    checkout = movement_services.request_checkout(
        medium,
        requester=staff,
        purpose="核对",
        zone=medium.zone,
        expected_return_at=timezone.now() + timedelta(days=1),
    )
    movement_services.approve_checkout(checkout, by=head)
    movement_services.hand_out(checkout, by=keeper)
    # The borrower may report it.
    movement_services.report_lost(medium, by=staff, description="地铁上遗失")
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.LOST
    assert checkout.obligation.state == Obligation.State.WAIVED


def test_damaged_return_can_then_be_reported_lost(medium, staff, head, keeper):
    checkout = movement_services.request_checkout(
        medium,
        requester=staff,
        purpose="核对",
        zone=medium.zone,
        expected_return_at=timezone.now() + timedelta(days=1),
    )
    movement_services.approve_checkout(checkout, by=head)
    movement_services.hand_out(checkout, by=keeper)
    movement_services.return_checkout(checkout, by=keeper, condition="missing", note="只交回了保护套")
    assert movement_services.can_report_lost(keeper, medium)
    movement_services.report_lost(medium, by=keeper, description="归还时介质缺失")
    assert Medium.objects.get(pk=medium.pk).status == Medium.Status.LOST


def test_loss_needs_a_description_and_a_responsible_person(medium, keeper, staff):
    with pytest.raises(ValidationError):
        movement_services.report_lost(medium, by=keeper, description="")
    with pytest.raises(PermissionDenied):
        movement_services.report_lost(medium, by=staff, description="?")
    assert not Incident.objects.exists()


def test_beat_task_creates_inventories_idempotently(department, other_department, medium, keeper):
    year = timezone.localdate().year
    created = inventory_services.ensure_inventory_obligations()
    assert [inventory.department for inventory in created] == [department]
    assert inventory_services.ensure_inventory_obligations() == []
    inventory = Inventory.objects.get(department=department, year=year)
    obligation = inventory.obligation
    assert obligation.kind == "media.inventory"
    assert timezone.localtime(obligation.due_at).date() == timezone.localdate().replace(month=12, day=31)
    assert inventory.lines.count() == 1
    assert not Inventory.objects.filter(department=other_department).exists()


def test_inventory_due_date_is_configurable(settings, department, medium):
    settings.MEDIA_INVENTORY_DUE = "11-30"
    inventory, _ = inventory_services.ensure_inventory(department, 2030)
    assert timezone.localtime(inventory.obligation.due_at).date().isoformat() == "2030-11-30"


def test_signing_needs_every_medium_accounted_for(
    department, medium, confidential_medium, keeper, head, secrecy
):
    inventory, _ = inventory_services.ensure_inventory(department, timezone.localdate().year)
    assert inventory.lines.count() == 2
    line = inventory.lines.get(medium=medium)
    inventory_services.record_line(line, by=head, result=InventoryLine.Result.PRESENT)
    with pytest.raises(ValidationError, match="1 件介质未清点"):
        inventory_services.sign_inventory(inventory, by=head)
    # The head cannot confirm the classified medium; its custodian can.
    classified_line = inventory.lines.get(medium=confidential_medium)
    with pytest.raises(PermissionDenied):
        inventory_services.record_line(classified_line, by=head, result=InventoryLine.Result.PRESENT)
    inventory_services.record_line(classified_line, by=keeper, result=InventoryLine.Result.PRESENT)
    # A medium registered since must be counted too.
    late = ledger_services.save_medium(MediumFactory.build(department=department), by=head)
    with pytest.raises(ValidationError, match="1 件介质未清点"):
        inventory_services.sign_inventory(inventory, by=head)
    inventory_services.record_line(
        inventory.lines.get(medium=late), by=head, result=InventoryLine.Result.LOST, note="未找到"
    )
    assert Medium.objects.get(pk=late.pk).status == Medium.Status.LOST
    inventory_services.sign_inventory(inventory, by=head, note="全部清点")
    inventory.refresh_from_db()
    assert inventory.is_signed and inventory.signed_by == head
    assert inventory.obligation.state == Obligation.State.MET
    assert "在位 2 件，遗失 1 件" in inventory.obligation.evidence
    with pytest.raises(ValidationError):
        inventory_services.record_line(line, by=head, result=InventoryLine.Result.LOST)


def test_staff_cannot_sign(department, medium, staff):
    inventory, _ = inventory_services.ensure_inventory(department, timezone.localdate().year)
    with pytest.raises(PermissionDenied):
        inventory_services.sign_inventory(inventory, by=staff)
