"""Who may delete, contribute to, and complete what: the incident policies beside the access rule."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.categories import Category
from incidents.models import Incident
from szmz_security.obligations.models import Obligation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def file(department, reporter, **fields):
    fields.setdefault("title", "门禁异常")
    fields.setdefault("description", "测试")
    fields.setdefault("discovered_at", timezone.now() - timedelta(hours=1))
    return services.file_incident(Incident(department=department, reported_by=reporter, **fields))


def test_a_mistaken_filing_that_owes_nothing_may_be_deleted(client, head, staff, department):
    incident = file(department, staff, category=Category.FACILITY_FAULT)
    client.force_login(head)
    assert (
        client.get(reverse("incidents:incident_delete", args=[incident.pk])).status_code == 200
    )  # confirm first
    response = client.post(reverse("incidents:incident_delete", args=[incident.pk]))
    assert response.status_code == 302
    assert not Incident.objects.filter(pk=incident.pk).exists()


def test_an_incident_that_owes_a_report_is_never_deleted(client, head, officer, staff, department):
    incident = file(department, staff, crime_suspected=True)
    police = Obligation.objects.get(subject_id=incident.pk)
    client.force_login(officer)
    response = client.post(reverse("incidents:incident_delete", args=[incident.pk]), follow=True)
    assert "不能删除" in response.content.decode()
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert Obligation.objects.filter(pk=police.pk, state=Obligation.State.OPEN).exists()
    with pytest.raises(ValidationError):
        services.delete_incident(incident, by=officer)


def test_an_accepted_incident_is_kept_even_when_it_owes_nothing(officer, staff, department):
    incident = file(department, staff, category=Category.FACILITY_FAULT)
    services.transition(incident, Incident.State.ACCEPTED, by=officer)
    with pytest.raises(ValidationError):
        services.delete_incident(incident, by=officer)


def test_the_owner_of_a_corrective_action_may_add_evidence_and_complete_it(
    client, officer, staff, department
):
    incident = file(department, staff)
    owner = UserFactory(username="fixer", roles=["staff"])  # of no department at all
    action = services.add_corrective_action(
        incident,
        description="更换门禁控制器",
        owner=owner,
        due_at=timezone.now() + timedelta(days=7),
        by=officer,
    )
    assert services.can_contribute(owner, incident)
    services.add_note(incident, text="已下单采购", by=owner)

    client.force_login(owner)
    assert client.get(action.obligation.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("obligations:obligation_meet", args=[action.obligation.pk]),
        {"met_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "evidence": "控制器已更换并测试"},
    )
    assert response.status_code == 302
    action.obligation.refresh_from_db()
    assert action.obligation.state == Obligation.State.MET


def test_read_only_roles_may_not_write_into_an_incident(inspector, leader, staff, department):
    incident = file(department, staff)
    for reader in (inspector, leader):
        assert not services.can_contribute(reader, incident)
        with pytest.raises(PermissionDenied):
            services.add_note(incident, text="随手记", by=reader)
