"""/api/assets/: required fields, the register's rules as 400 naming the field, filters, and the
access rule (another department's user gets 404)."""

import pytest
from django.urls import reverse

from assets.models import Asset
from szmz_security.core.choices import NetworkZone, Secrecy
from tests.assets.factories import AssetFactory, MacAddressFactory

pytestmark = pytest.mark.django_db

URL = "/api/assets/"


def body(department, **overrides):
    data = {
        "number": "API-0001",
        "name": "服务器",
        "type": "server",
        "department": department.pk,
        "zone": "gov_intranet",
    }
    data.update(overrides)
    return data


def test_create_with_the_required_fields_only(client, officer, department):
    client.force_login(officer)
    response = client.post(URL, body(department), content_type="application/json")
    assert response.status_code == 201, response.content
    asset = Asset.objects.get(number="API-0001")
    assert asset.secrecy == Secrecy.NONE and asset.status == Asset.Status.IN_USE
    assert response.json()["id"] == asset.pk


@pytest.mark.parametrize("missing", ["number", "name", "type", "department", "zone"])
def test_each_required_field_is_named_when_missing(client, officer, department, missing):
    client.force_login(officer)
    data = body(department)
    del data[missing]
    response = client.post(URL, data, content_type="application/json")
    assert response.status_code == 400
    assert missing in response.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"secrecy": "secret", "zone": "internet"}, "zone"),
        ({"secrecy": "top_secret", "zone": "gov_extranet"}, "zone"),
        ({"secrecy": "secret", "zone": "classified"}, "wireless_removed"),
        ({"data_grade": "core"}, "data_grade"),
        ({"zone": "moon"}, "zone"),
    ],
)
def test_rule_violations_answer_400_naming_the_field(client, officer, department, overrides, field):
    client.force_login(officer)
    response = client.post(URL, body(department, **overrides), content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Asset.objects.exists()


def test_patch_is_checked_against_the_stored_record(client, officer, department):
    asset = AssetFactory(
        department=department, secrecy=Secrecy.SECRET, zone=NetworkZone.STANDALONE, wireless_removed=True
    )
    client.force_login(officer)
    response = client.patch(f"{URL}{asset.pk}/", {"zone": "internet"}, content_type="application/json")
    assert response.status_code == 400
    assert "zone" in response.json()
    response = client.patch(f"{URL}{asset.pk}/", {"location": "保密室"}, content_type="application/json")
    assert response.status_code == 200


def test_duplicate_number_is_refused(client, officer, department):
    AssetFactory(number="API-0001", department=department)
    client.force_login(officer)
    response = client.post(URL, body(department), content_type="application/json")
    assert response.status_code == 400
    assert "number" in response.json()


def test_department_the_user_may_not_file_for_is_refused(client, head, department, other_department):
    client.force_login(head)
    # A head may change the department's assets but not register new ones (no add permission).
    assert client.post(URL, body(department), content_type="application/json").status_code == 403


def test_filters(client, officer, department, other_department):
    server = AssetFactory(department=department, type=Asset.Type.SERVER, name="邮件服务器")
    laptop = AssetFactory(department=other_department, type=Asset.Type.LAPTOP, status=Asset.Status.REPAIR)
    client.force_login(officer)

    def ids(**params):
        return {row["id"] for row in client.get(URL, params).json()["results"]}

    assert ids(type="server") == {server.pk}
    assert ids(status="repair") == {laptop.pk}
    assert ids(department=other_department.pk) == {laptop.pk}
    assert ids(q="邮件") == {server.pk}
    assert ids(zone="gov_intranet") == {server.pk, laptop.pk}


def test_other_department_gets_404(client, outsider, department):
    asset = AssetFactory(department=department)
    client.force_login(outsider)
    assert client.get(f"{URL}{asset.pk}/").status_code == 404
    assert (
        client.patch(f"{URL}{asset.pk}/", {"name": "x"}, content_type="application/json").status_code == 404
    )


def test_delete_of_a_referenced_asset_answers_409(client, officer, department):
    asset = AssetFactory(department=department)
    MacAddressFactory(asset=asset)
    client.force_login(officer)
    assert client.delete(f"{URL}{asset.pk}/").status_code == 409
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_machine_room_api_refuses_other_departments(client, outsider, department):
    from tests.assets.factories import MachineRoomFactory

    room = MachineRoomFactory(department=department)
    client.force_login(outsider)
    assert client.get(reverse("api:machineroom-detail", args=[room.pk])).status_code == 404
    assert room.pk not in {row["id"] for row in client.get(reverse("api:machineroom-list")).json()["results"]}
