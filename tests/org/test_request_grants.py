"""The access rule for a request's user (issue #14): the user's guardian grants are read once per
request (``org.access.may_hold_grants``); a user holding none on a model gets the own-department
rule as a plain filter. What each user sees must be exactly what the full rule gives, and a grant
or a revocation must show on the user's next page."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from szmz_security.org.access import grant, granted_permissions, revoke, share_with_department
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def listed(client):
    response = client.get("/incidents/")
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'href="/incidents/(\d+)/"', response.content.decode())}


def test_a_user_without_grants_sees_their_department_through_a_plain_filter(
    client, staff, department, other_department
):
    own = IncidentFactory(department=department)
    IncidentFactory(department=department, restricted=True)
    IncidentFactory(department=other_department)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        shown = listed(client)
    assert shown == {own.pk} == set(Incident.objects.visible_to(staff).values_list("pk", flat=True))
    rows = [q["sql"] for q in queries if 'FROM "incidents_incident"' in q["sql"]]
    # The grants were read once for the whole request, not joined into the incident queries.
    assert rows and not any("incidentuserobjectpermission" in sql for sql in rows)


def test_a_grant_shows_on_the_next_page_and_a_revocation_hides_it(
    client, staff, department, other_department
):
    elsewhere = IncidentFactory(department=other_department)
    client.force_login(staff)
    assert elsewhere.pk not in listed(client)
    assert client.get(f"/incidents/{elsewhere.pk}/").status_code == 404

    grant("view", staff, elsewhere)
    assert elsewhere.pk in listed(client)
    assert client.get(f"/incidents/{elsewhere.pk}/").status_code == 200

    revoke("view", staff, elsewhere)
    assert elsewhere.pk not in listed(client)
    assert client.get(f"/incidents/{elsewhere.pk}/").status_code == 404


def test_a_record_shared_with_the_users_department_is_seen(client, staff, department, other_department):
    shared = IncidentFactory(department=other_department)
    client.force_login(staff)
    assert shared.pk not in listed(client)
    share_with_department(shared, department)
    assert shared.pk in listed(client)


def test_a_user_object_outside_a_request_gets_the_full_rule(staff, other_department):
    """A user loaded by other code (a task, a command) is not marked: every grant counts at once."""
    elsewhere = IncidentFactory(department=other_department)
    assert not Incident.objects.visible_to(staff).filter(pk=elsewhere.pk).exists()
    grant("view", staff, elsewhere)
    assert Incident.objects.visible_to(staff).filter(pk=elsewhere.pk).exists()


def test_joining_a_department_applies_on_the_next_page(client, staff, other_department):
    """The user's groups are loaded with the user on each request: a membership added since shows."""
    theirs = IncidentFactory(department=other_department)
    client.force_login(staff)
    assert theirs.pk not in listed(client)
    staff.groups.add(other_department.group)
    assert theirs.pk in listed(client)
    assert "养老服务处" in client.get("/incidents/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_prepared_grants_statement_survives_a_rollback_and_a_new_connection(
    staff, department, other_department
):
    """On PostgreSQL the grants query is prepared once per connection: a rolled-back transaction
    keeps it, a new connection prepares it again, and each time the answer is the current one."""
    record = IncidentFactory(department=other_department)
    assert ("incidents", "view_incident") not in granted_permissions(staff)
    with transaction.atomic():
        grant("view", staff, record)
        assert ("incidents", "view_incident") in granted_permissions(staff)
        transaction.set_rollback(True)
    assert ("incidents", "view_incident") not in granted_permissions(staff)

    grant("view", staff, record)
    connection.close()
    assert ("incidents", "view_incident") in granted_permissions(staff)
    revoke("view", staff, record)
    assert ("incidents", "view_incident") not in granted_permissions(staff)
