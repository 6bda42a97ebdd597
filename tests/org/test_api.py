"""The API's own endpoints: who am I, the department directory, token auth, schema and docs."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_me_names_the_user_departments_and_roles(client, head, department):
    client.force_login(head)
    response = client.get(reverse("api:me"))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "head"
    assert body["name"] == head.profile.full_name
    assert [(d["code"], d["name"]) for d in body["departments"]] == [("SHJZ", "社会救助处")]
    assert {role["code"] for role in body["roles"]} == {"staff", "department_head"}
    assert {role["name"] for role in body["roles"]} == {"工作人员", "处室负责人"}


def test_me_for_a_role_without_department(client, inspector):
    client.force_login(inspector)
    body = client.get(reverse("api:me")).json()
    assert body["departments"] == []
    assert body["roles"] == [{"code": "inspector", "name": "检查员"}]


def test_me_needs_authentication(client):
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_departments_lists_the_directory(client, staff, department, other_department):
    unit = DepartmentFactory(code="FLY", name="福利院", kind="unit", parent=department)
    client.force_login(staff)
    response = client.get(reverse("api:department-list"))
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert {"SHJZ", "YLFW", "FLY"} <= set(rows)
    assert rows["FLY"] == {
        "id": unit.pk,
        "code": "FLY",
        "name": "福利院",
        "kind": "unit",
        "parent": department.pk,
        "is_active": True,
    }


def test_departments_filter_by_parent(client, staff, department):
    DepartmentFactory(code="FLY", name="福利院", parent=department)
    client.force_login(staff)
    rows = client.get(reverse("api:department-list"), {"parent": department.pk}).json()["results"]
    assert [row["code"] for row in rows] == ["FLY"]


def test_the_directory_is_read_only_through_the_api(client, officer, department):
    client.force_login(officer)
    url = reverse("api:department-detail", args=[department.pk])
    assert client.patch(url, {"name": "改名"}, content_type="application/json").status_code == 405
    assert client.post(reverse("api:department-list"), {"code": "X", "name": "新处"}).status_code == 405
    department.refresh_from_db()
    assert department.name == "社会救助处"


def test_token_authentication(client, staff):
    token = Token.objects.create(user=staff)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["username"] == "staff"


def test_a_wrong_token_is_refused(client, staff):
    Token.objects.create(user=staff)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(client, staff):
    token = Token.objects.create(user=staff)
    staff.is_active = False
    staff.save()
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401


def test_schema_describes_the_endpoints(client, staff):
    client.force_login(staff)
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith("openapi: 3")
    for path in ("/api/incidents/", "/api/obligations/", "/api/departments/", "/api/me/"):
        assert f"{path}:" in text


def test_docs_page_uses_only_local_assets(client, staff):
    """政务内网 has no internet: Swagger UI's scripts and stylesheets come from the project itself."""
    client.force_login(staff)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*\bhref="([^"]+)"', html)
    assert any(src.endswith("swagger-ui-bundle.js") for src in scripts)
    assert any(href.endswith("swagger-ui.css") for href in styles)
    for url in scripts + styles:
        assert not re.match(r"(https?:)?//", url), f"external asset {url}"
        if url == reverse("api:docs") + "?script=":
            continue  # Swagger UI's start-up script, served by the docs view (the CSP allows no inline one)
        assert url.startswith("/static/")
        assert finders.find(url.removeprefix("/static/")), f"{url} is not shipped with the project"
    assert not re.search(r"https?://", html)
