"""Need-to-know markings (#21): the security administrator marks a record restricted, or lifts
its own marking; what the record itself implies (a secret leak, a classified medium) stays."""

import pytest
from django.urls import reverse

from szmz_security.auditlog.models import AuditEvent
from szmz_security.org.access import can_read_content
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secadmin(db):
    return UserFactory(username="secadmin", roles=["security_administrator"], is_staff=True)


def sharing_url(incident):
    return reverse("org:sharing", args=["incidents.incident", incident.pk])


def test_a_marked_record_is_need_to_know_for_its_department_and_leadership(
    client, secadmin, department, staff, head, leader
):
    incident = IncidentFactory(department=department, reported_by=head, title="人事系统异常登录")
    assert can_read_content(staff, incident) and can_read_content(leader, incident)

    client.force_login(secadmin)
    response = client.post(sharing_url(incident), {"need_to_know": "1"})

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.restricted and incident.need_to_know_marked
    assert not can_read_content(staff, incident) and not can_read_content(leader, incident)
    assert not can_read_content(secadmin, incident)  # marking is not reading
    client.force_login(leader)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "人事系统异常登录" not in page
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION, user=secadmin)
    assert event.detail["action"] == "mark"
    assert incident.history.latest().history_change_reason == "标记为知悉范围受限"

    # Lifted again: the department reads it as before, and the lifting is audited too.
    client.force_login(secadmin)
    client.post(sharing_url(incident), {"need_to_know": "0"})
    incident.refresh_from_db()
    assert not incident.restricted and can_read_content(staff, incident)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION, detail__action="unmark").exists()


def test_a_leak_cannot_be_unmarked(client, secadmin, department, staff):
    leak = IncidentFactory(department=department, reported_by=staff, secret_leak=True)
    client.force_login(secadmin)
    client.post(sharing_url(leak), {"need_to_know": "1"})
    response = client.post(sharing_url(leak), {"need_to_know": "0"}, follow=True)

    assert "不能取消" in response.content.decode()
    leak.refresh_from_db()
    assert leak.restricted


def test_only_the_security_administrator_marks(client, department, staff, head, officer, secrecy):
    incident = IncidentFactory(department=department, reported_by=staff)
    for user in (head, officer, secrecy):
        client.force_login(user)
        response = client.post(sharing_url(incident), {"need_to_know": "1"})
        assert response.status_code == 403, user.username
        incident.refresh_from_db()
        assert not incident.restricted, user.username
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION, detail__action="mark").exists()


def test_a_marked_medium_is_need_to_know_and_a_classified_one_stays(client, secadmin, department, staff):
    from tests.media_control.factories import MediumFactory

    ordinary = MediumFactory(department=department)
    classified = MediumFactory(department=department, classified=True)
    client.force_login(secadmin)
    client.post(reverse("org:sharing", args=["media_control.medium", ordinary.pk]), {"need_to_know": "1"})
    client.post(reverse("org:sharing", args=["media_control.medium", classified.pk]), {"need_to_know": "0"})

    ordinary.refresh_from_db()
    classified.refresh_from_db()
    assert ordinary.restricted and not can_read_content(staff, ordinary)
    assert classified.restricted
