"""/api/subnets/, /api/ip-assignments/ and /api/reconciliations/: the same rules as the screens,
400 naming the field (or the row), through the access rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.models import IPAssignment, MacAddress, Reconciliation, ReconciliationItem
from szmz_security.core.choices import NetworkZone
from szmz_security.obligations.models import Obligation
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MacAddressFactory, SubnetFactory

INTRANET = NetworkZone.GOV_INTRANET
ROGUE = "0a:11:22:33:44:55"


@pytest.fixture
def subnet(department):
    return SubnetFactory(cidr="10.20.1.0/24", zone=INTRANET, department=department)


@pytest.fixture
def asset(department):
    return AssetFactory(number="SZMZ-PC-0001", department=department)


@pytest.fixture
def api(client, officer):
    client.force_login(officer)
    return client


def test_subnet_create_normalises_and_refuses_host_bits(api, department):
    url = reverse("api:subnet-list")
    body = {
        "cidr": "10.30.1.5/24",
        "zone": INTRANET,
        "department": department.pk,
        "name": "新网段",
        "vlan": 30,
    }
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "10.30.1.0/24" in response.json()["cidr"][0]
    body.update(cidr="2001:DB8:30::/64", gateway="2001:db8:30::1")
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["cidr"] == "2001:db8:30::/64"
    body.update(cidr="2001:db8:30::/48", gateway=None)
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "重叠" in response.json()["cidr"][0]


def test_subnet_with_assignments_answers_409(api, subnet, asset):
    IPAssignmentFactory(subnet=subnet, ip="10.20.1.10", asset=asset)
    assert api.delete(reverse("api:subnet-detail", args=[subnet.pk])).status_code == 409


def test_assignment_create_any_notation_department_derived(api, subnet, asset):
    response = api.post(
        reverse("api:ipassignment-list"),
        {"ip": "10.20.1.10", "mac": "AABB.CCDD.EE01", "asset": asset.pk, "zone": INTRANET},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["mac"], body["subnet"], body["department"]) == (
        "aa:bb:cc:dd:ee:01",
        subnet.pk,
        subnet.department_id,
    )
    assert MacAddress.objects.get().asset == asset


def test_assignment_errors_name_the_field(api, subnet, asset, department):
    MacAddressFactory(
        mac="aa:bb:cc:dd:ee:01", asset=AssetFactory(number="SZMZ-PC-0009", department=department)
    )
    url = reverse("api:ipassignment-list")
    response = api.post(
        url,
        {"ip": "10.20.1.10", "mac": "aa-bb-cc-dd-ee-01", "asset": asset.pk, "zone": INTRANET},
        content_type="application/json",
    )
    assert response.status_code == 400 and "SZMZ-PC-0009" in response.json()["mac"][0]
    response = api.post(
        url, {"ip": "10.99.0.1", "asset": asset.pk, "zone": INTRANET}, content_type="application/json"
    )
    assert response.status_code == 400 and "ip" in response.json()
    response = api.post(url, {"ip": "10.20.1.11", "zone": "nowhere"}, content_type="application/json")
    assert response.status_code == 400 and "zone" in response.json()
    assert not IPAssignment.objects.exists()


def test_department_head_cannot_assign_in_another_departments_subnet(client, head, other_department, asset):
    SubnetFactory(cidr="10.40.0.0/24", zone=INTRANET, department=other_department)
    client.force_login(head)
    response = client.post(
        reverse("api:ipassignment-list"),
        {"ip": "10.40.0.5", "zone": INTRANET, "asset": asset.pk},
        content_type="application/json",
    )
    assert response.status_code == 403  # no add permission at all


def test_assignment_search_by_mac_any_notation(api, subnet, asset):
    IPAssignmentFactory(subnet=subnet, ip="10.20.1.10", mac="aa:bb:cc:dd:ee:01", asset=asset)
    IPAssignmentFactory(subnet=subnet, ip="10.20.1.11")
    rows = api.get(reverse("api:ipassignment-list"), {"q": "AABBCCDDEE01"}).json()["results"]
    assert [row["ip"] for row in rows] == ["10.20.1.10"]


# --- reconciliations -------------------------------------------------------------------------------


@pytest.fixture
def registered(subnet, asset):
    MacAddressFactory(mac="aa:bb:cc:dd:ee:01", asset=asset)
    return IPAssignmentFactory(subnet=subnet, ip="10.20.1.10", mac="aa:bb:cc:dd:ee:01", asset=asset)


def test_json_rows_bad_rows_answer_400_by_line(api, registered):
    response = api.post(
        reverse("api:reconciliation-list"),
        {
            "zone": INTRANET,
            "source": "dhcp",
            "rows": [
                {"ip": "10.20.1.10", "mac": "aa-bb-cc-dd-ee-01"},
                {"ip": "10.20.1.x", "mac": ROGUE},
                {"ip": "10.20.1.12", "mac": "?", "time": "soon"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert [row["line"] for row in rows] == [2, 3]
    assert set(rows[1]["errors"]) == {"mac", "time"}
    assert not Reconciliation.objects.exists()


def test_zone_missing_is_named(api):
    response = api.post(
        reverse("api:reconciliation-list"),
        {"rows": [{"ip": "10.0.0.1", "mac": ROGUE}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "zone" in response.json()


def test_csv_upload_get_items_resolve_and_sign_off(api, registered, officer):
    scan = SimpleUploadedFile(
        "leases.csv",
        f"ip\thwaddr\tclient-hostname\n10.20.1.10\taabb.ccdd.ee01\tpc1\n10.20.1.50\t{ROGUE}\trogue\n".encode(),
    )
    response = api.post(
        reverse("api:reconciliation-list"), {"zone": INTRANET, "source": "dhcp", "scan": scan}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["total_rows"], body["progress_percent"], body["item_count"]) == (
        "open",
        2,
        100,
        1,
    )
    (item,) = body["items"]
    assert (item["kind"], item["ip"], item["mac"], item["hostname"]) == (
        "unregistered_mac",
        "10.20.1.50",
        ROGUE,
        "rogue",
    )
    run_url = reverse("api:reconciliation-detail", args=[body["id"]])
    assert api.get(run_url).json()["items"][0]["id"] == item["id"]
    listed = api.get(f"{run_url}items/", {"kind": "unregistered_mac"}).json()
    assert [row["id"] for row in listed["results"]] == [item["id"]]
    assert api.get(f"{run_url}items/", {"kind": "not_seen"}).json()["results"] == []
    # Sign-off refused while the item is open.
    response = api.post(f"{run_url}sign-off/", {}, content_type="application/json")
    assert response.status_code == 400 and "尚有 1 条差异未处理" in str(response.json())
    response = api.post(
        f"{run_url}items/{item['id']}/resolve/", {"resolution": "explained"}, content_type="application/json"
    )
    assert response.status_code == 400 and "note" in response.json()
    response = api.post(
        f"{run_url}items/{item['id']}/resolve/",
        {"resolution": "incident", "note": "私接设备"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["resolution"] == "incident" and response.json()["incident"]
    response = api.post(f"{run_url}sign-off/", {"note": "本月完成"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == "signed_off"
    assert Obligation.objects.get(kind="assets.reconciliation.gov_intranet").state == Obligation.State.MET
    # A run is never changed through PATCH.
    assert api.patch(run_url, {"state": "open"}, content_type="application/json").status_code == 405


def test_resolve_register_with_a_new_asset(api, registered, department):
    response = api.post(
        reverse("api:reconciliation-list"),
        {
            "zone": INTRANET,
            "rows": [{"ip": "10.20.1.10", "mac": "aa:bb:cc:dd:ee:01"}, {"ip": "10.20.1.51", "mac": ROGUE}],
        },
        content_type="application/json",
    )
    run = Reconciliation.objects.get(pk=response.json()["id"])
    item = run.items.get()
    response = api.post(
        reverse("api:reconciliation-resolve", args=[run.pk, item.pk]),
        {
            "resolution": "registered",
            "new_asset": {
                "number": "SZMZ-PC-0777",
                "name": "新电脑",
                "type": "desktop",
                "department": department.pk,
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert IPAssignment.objects.get(ip="10.20.1.51").asset.number == "SZMZ-PC-0777"


def test_reconciliation_api_refuses_other_departments(client, api, outsider, staff, registered, department):
    response = api.post(
        reverse("api:reconciliation-list"),
        {"zone": INTRANET, "department": department.pk, "rows": [{"ip": "10.20.1.52", "mac": ROGUE}]},
        content_type="application/json",
    )
    run = Reconciliation.objects.get(pk=response.json()["id"])
    item = run.items.filter(kind=ReconciliationItem.Kind.UNREGISTERED_MAC).get()
    client.force_login(outsider)
    assert client.get(reverse("api:reconciliation-items", args=[run.pk])).status_code == 404
    assert (
        client.post(
            reverse("api:reconciliation-resolve", args=[run.pk, item.pk]),
            {"resolution": "explained", "note": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("api:reconciliation-sign-off", args=[run.pk]), {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("api:reconciliation-list"),
            {"zone": INTRANET, "rows": [{"ip": "10.0.0.1", "mac": ROGUE}]},
            content_type="application/json",
        ).status_code
        == 403
    )
    client.force_login(staff)
    assert client.get(reverse("api:reconciliation-items", args=[run.pk])).status_code == 200
    assert (
        client.post(
            reverse("api:reconciliation-resolve", args=[run.pk, item.pk]),
            {"resolution": "explained", "note": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("api:reconciliation-sign-off", args=[run.pk]), {}, content_type="application/json"
        ).status_code
        == 403
    )
