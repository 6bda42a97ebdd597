"""Filing and reading incidents through /api/incidents/ (token or session)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from incidents.models import Incident
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/incidents/"


def payload(dept, **changes):
    data = {
        "title": "办公电脑感染病毒",
        "description": "杀毒软件报警，已断开网络",
        "discovered_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "department": dept.pk,
        "secret_leak": False,
    }
    data.update(changes)
    return data


def post(client, user, data):
    token, _ = Token.objects.get_or_create(user=user)
    return client.post(LIST, data, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}")


def test_filing_an_incident(client, staff, department):
    response = post(client, staff, payload(department))
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert incident.reported_by == staff
    assert incident.department == department
    assert body["reported_by"] == staff.pk
    assert body["restricted"] is False
    # The reporter sees it at once, in the list and by itself.
    rows = client.get(LIST, HTTP_AUTHORIZATION=f"Token {staff.auth_token.key}").json()["results"]
    assert [row["id"] for row in rows] == [incident.pk]
    detail = client.get(
        reverse("api:incident-detail", args=[incident.pk]), HTTP_AUTHORIZATION=f"Token {staff.auth_token.key}"
    )
    assert detail.status_code == 200
    assert detail.json()["title"] == "办公电脑感染病毒"
    # Filing through the API is recorded in the history with the reporter as author.
    assert incident.history.get().history_type == "+"


def test_a_future_discovery_time_is_refused_and_nothing_is_written(client, staff, department):
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    response = post(client, staff, payload(department, discovered_at=future))
    assert response.status_code == 400
    assert response.json()["discovered_at"] == ["发现时间不能晚于当前时间。"]
    assert not Incident.objects.exists()
    assert not Incident.history.exists()


def test_another_departments_id_is_refused(client, staff, department, other_department):
    response = post(client, staff, payload(other_department))
    assert response.status_code == 400
    assert list(response.json()) == ["department"]
    assert "该部门" in response.json()["department"][0]
    assert not Incident.objects.exists()


def test_an_unknown_department_is_refused(client, staff, department):
    response = post(client, staff, payload(department, department=999999))
    assert response.status_code == 400
    assert "department" in response.json()
    assert not Incident.objects.exists()


def test_an_officer_files_for_any_department(client, officer, other_department):
    response = post(client, officer, payload(other_department))
    assert response.status_code == 201
    assert Incident.objects.get().department == other_department


def test_a_role_without_the_add_permission_may_not_file(client, inspector, department):
    response = post(client, inspector, payload(department))
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_a_secret_leak_filed_by_api_is_restricted_but_the_reporter_keeps_it(client, staff, department):
    response = post(client, staff, payload(department, secret_leak=True, title="涉密文件外发"))
    assert response.status_code == 201
    assert response.json()["restricted"] is True
    incident_url = reverse("api:incident-detail", args=[response.json()["id"]])
    assert client.get(incident_url, HTTP_AUTHORIZATION=f"Token {staff.auth_token.key}").status_code == 200

    colleague = UserFactory(username="colleague", roles=["staff"], departments=[department])
    client.force_login(colleague)
    assert client.get(incident_url).status_code == 404
    assert client.get(LIST).json()["count"] == 0


def test_restricted_cannot_be_cleared_through_the_api(client, officer, department):
    response = post(client, officer, payload(department, secret_leak=True))
    incident_url = reverse("api:incident-detail", args=[response.json()["id"]])
    client.force_login(officer)
    response = client.patch(incident_url, {"restricted": False}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["restricted"] is True
    assert Incident.objects.get().restricted is True


def test_moving_an_incident_to_a_department_the_head_does_not_run_is_refused(
    client, head, department, other_department
):
    client.force_login(head)
    response = client.post(LIST, payload(department), content_type="application/json")
    assert response.status_code == 201
    incident_url = reverse("api:incident-detail", args=[response.json()["id"]])
    response = client.patch(
        incident_url, {"department": other_department.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "department" in response.json()
    assert Incident.objects.get().department == department


def test_filter_by_department(client, officer, department, other_department):
    assert post(client, officer, payload(department, title="甲")).status_code == 201
    assert post(client, officer, payload(other_department, title="乙")).status_code == 201
    client.force_login(officer)
    rows = client.get(LIST, {"department": other_department.pk}).json()["results"]
    assert [row["title"] for row in rows] == ["乙"]
