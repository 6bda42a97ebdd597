"""The IP plan, MAC register and reconciliation screens: lists (search in any notation, filters,
constant queries), forms with errors next to the field, the run page, resolving, signing off."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import IPAssignment, MacAddress, Reconciliation, ReconciliationItem, Subnet
from assets.reconciliation import services as rec
from szmz_security.core.choices import NetworkZone
from szmz_security.jobs import services as jobs
from szmz_security.obligations.models import Obligation
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MacAddressFactory, SubnetFactory

INTRANET = NetworkZone.GOV_INTRANET
ROGUE = "0a:11:22:33:44:55"


@pytest.fixture
def subnet(department):
    return SubnetFactory(cidr="10.20.1.0/24", zone=INTRANET, department=department, name="社救处办公网")


@pytest.fixture
def asset(department):
    return AssetFactory(number="SZMZ-PC-0001", department=department)


@pytest.fixture
def assignment(subnet, asset):
    MacAddressFactory(mac="aa:bb:cc:dd:ee:01", asset=asset)
    return IPAssignmentFactory(
        subnet=subnet, ip="10.20.1.10", mac="aa:bb:cc:dd:ee:01", asset=asset, hostname="pc-shjz-01"
    )


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


# --- subnets ---------------------------------------------------------------------------------------


def test_subnet_list_filters_by_version_zone_and_search(client, officer, department, subnet):
    v6 = SubnetFactory(cidr="2001:db8:1::/64", zone=INTRANET, department=department, name="IPv6 试点")
    html = page(client, officer, "assets:subnet_list", version="6").content.decode()
    assert v6.get_absolute_url() in html and subnet.get_absolute_url() not in html
    html = page(client, officer, "assets:subnet_list", q="社救处").content.decode()
    assert subnet.get_absolute_url() in html and v6.get_absolute_url() not in html
    html = page(client, officer, "assets:subnet_list", zone="internet").content.decode()
    assert subnet.get_absolute_url() not in html


def test_subnet_detail_shows_utilisation(client, officer, department, subnet, assignment):
    IPAssignmentFactory(subnet=subnet, ip="10.20.1.11")
    html = page(client, officer, "assets:subnet", subnet.pk).content.decode()
    assert "2 / 254（1%）" in html
    assert "10.20.1.10" in html and "SZMZ-PC-0001" in html
    v6 = SubnetFactory(cidr="2001:db8:1::/64", zone=INTRANET, department=department)
    IPAssignmentFactory(subnet=v6, ip="2001:db8:1::10")
    html = page(client, officer, "assets:subnet", v6.pk).content.decode()
    assert 'data-testid="utilisation">1<' in html


def test_subnet_form_shows_host_bits_error_next_to_the_field(client, officer, department):
    client.force_login(officer)
    response = client.post(
        reverse("assets:subnet_add"),
        {"cidr": "10.30.1.5/24", "name": "新网段", "zone": INTRANET, "department": department.pk},
    )
    assert response.status_code == 400
    assert "网段应写作 10.30.1.0/24" in response.content.decode()
    assert not Subnet.objects.exists()
    response = client.post(
        reverse("assets:subnet_add"),
        {
            "cidr": "10.30.1.0/24",
            "name": "新网段",
            "zone": INTRANET,
            "department": department.pk,
            "gateway": "10.30.1.1",
        },
    )
    assert response.status_code == 302
    assert Subnet.objects.get().cidr == "10.30.1.0/24"


def test_subnet_with_assignments_is_not_deleted(client, officer, subnet, assignment):
    client.force_login(officer)
    assert client.get(reverse("assets:subnet_delete", args=[subnet.pk])).status_code == 200  # confirmation
    response = client.post(reverse("assets:subnet_delete", args=[subnet.pk]), follow=True)
    assert "仍有 1 条 IP 分配" in response.content.decode()
    assert Subnet.objects.filter(pk=subnet.pk).exists()


# --- IP assignments and MACs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["10.20.1.10", "AA-BB-CC-DD-EE-01", "aabb.ccdd.ee01", "AABBCCDDEE01", "pc-shjz", "PC-0001"]
)
def test_assignment_search_understands_every_notation(client, officer, subnet, assignment, query):
    other = IPAssignmentFactory(subnet=subnet, ip="10.20.1.99", hostname="printer")
    html = page(client, officer, "assets:ipassignment_list", q=query).content.decode()
    assert assignment.get_absolute_url() in html
    assert other.get_absolute_url() not in html


def test_ipv6_search_in_expanded_form(client, officer, department):
    v6 = SubnetFactory(cidr="2001:db8:1::/64", zone=INTRANET, department=department)
    found = IPAssignmentFactory(subnet=v6, ip="2001:db8:1::10")
    html = page(client, officer, "assets:ipassignment_list", q="2001:0DB8:0001::0010").content.decode()
    assert found.get_absolute_url() in html


def test_assignment_form_normalises_and_registers_the_mac(client, officer, subnet, asset):
    client.force_login(officer)
    response = client.post(
        reverse("assets:ipassignment_add"),
        {
            "ip": "10.20.1.20",
            "zone": INTRANET,
            "mac": "AABB.CCDD.EE20",
            "asset_number": asset.number,
            "hostname": "pc20",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assignment = IPAssignment.objects.get(ip="10.20.1.20")
    assert assignment.mac == "aa:bb:cc:dd:ee:20"
    assert MacAddress.objects.get(mac="aa:bb:cc:dd:ee:20").asset == asset


def test_assignment_form_refuses_another_assets_mac_naming_it(
    client, officer, subnet, assignment, department
):
    other = AssetFactory(number="SZMZ-PC-0002", department=department)
    client.force_login(officer)
    response = client.post(
        reverse("assets:ipassignment_add"),
        {"ip": "10.20.1.21", "zone": INTRANET, "mac": "aa-bb-cc-dd-ee-01", "asset_number": other.number},
    )
    assert response.status_code == 400
    assert "已登记在资产 SZMZ-PC-0001 上" in response.content.decode()
    assert not IPAssignment.objects.filter(ip="10.20.1.21").exists()


def test_assignment_form_outside_the_plan(client, officer, subnet, asset):
    client.force_login(officer)
    response = client.post(
        reverse("assets:ipassignment_add"),
        {"ip": "192.168.1.1", "zone": INTRANET, "asset_number": asset.number},
    )
    assert response.status_code == 400
    assert "不在政务内网的任何已登记网段内" in response.content.decode()


def test_mac_register_list_search_and_add(client, officer, asset, assignment, department):
    html = page(client, officer, "assets:macaddress_list", q="AABB.CCDD.EE01").content.decode()
    assert "AA-BB-CC-DD-EE-01" in html
    client.force_login(officer)
    response = client.get(reverse("assets:macaddress_add"), {"asset": asset.number})
    assert f'value="{asset.number}"' in response.content.decode()
    response = client.post(
        reverse("assets:macaddress_add"),
        {"mac": "AA-BB-CC-DD-EE-77", "asset_number": asset.number, "interface": "无线网卡"},
    )
    assert response.status_code == 302
    assert MacAddress.objects.get(mac="aa:bb:cc:dd:ee:77").interface == "无线网卡"
    response = client.post(
        reverse("assets:macaddress_add"),
        {"mac": "aabbccddee77", "asset_number": AssetFactory(department=department).number},
    )
    assert response.status_code == 400
    assert "SZMZ-PC-0001" in response.content.decode()


def test_mac_pages_refuse_another_department(client, outsider, staff, assignment):
    record = MacAddress.objects.get()
    client.force_login(outsider)
    assert record.asset.number not in client.get(reverse("assets:macaddress_list")).content.decode()
    assert client.get(reverse("assets:macaddress_delete", args=[record.pk])).status_code == 404
    assert client.post(reverse("assets:macaddress_delete", args=[record.pk])).status_code == 404
    assert client.get(reverse("assets:macaddress_add")).status_code == 403
    client.force_login(staff)
    assert "AA-BB-CC-DD-EE-01" in client.get(reverse("assets:macaddress_list")).content.decode()
    assert client.post(reverse("assets:macaddress_delete", args=[record.pk])).status_code == 403
    assert MacAddress.objects.filter(pk=record.pk).exists()


def test_asset_page_shows_its_network(client, officer, asset, assignment):
    html = page(client, officer, "assets:asset", asset.pk).content.decode()
    assert "AA-BB-CC-DD-EE-01" in html and "10.20.1.10" in html and "10.20.1.0/24" in html
    assert f"{reverse('assets:ipassignment_add')}?asset=SZMZ-PC-0001" in html


# --- constant queries ------------------------------------------------------------------------------


def queries_for(client, url):
    client.get(url)  # warm-up: caches (content types, permissions) filled on a first request
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "name",
    [
        "assets:subnet_list",
        "assets:ipassignment_list",
        "assets:macaddress_list",
        "assets:reconciliation_list",
    ],
)
def test_lists_use_a_constant_number_of_queries(client, staff, officer, department, name):
    client.force_login(staff)

    def grow(count):
        for _ in range(count):
            subnet = SubnetFactory(department=department)
            asset = AssetFactory(department=department)
            mac = MacAddressFactory(asset=asset)
            IPAssignmentFactory(subnet=subnet, ip=str(subnet.network[5]), asset=asset, mac=mac.mac)
            rec.start_reconciliation(
                zone=INTRANET,
                by=officer,
                rows=[{"ip": str(subnet.network[5]), "mac": mac.mac}],
                department=department,
            )

    grow(3)
    few = queries_for(client, reverse(name))
    grow(27)
    assert queries_for(client, reverse(name)) == few


def test_run_page_uses_a_constant_number_of_queries(client, officer, subnet):
    def run_with(count):
        rows = [{"ip": f"10.20.1.{100 + i}", "mac": f"0a:00:00:00:00:{i:02x}"} for i in range(count)]
        return rec.start_reconciliation(zone=INTRANET, by=officer, rows=rows)

    client.force_login(officer)
    few = queries_for(client, reverse("assets:reconciliation", args=[run_with(3).pk]))
    assert queries_for(client, reverse("assets:reconciliation", args=[run_with(30).pk])) == few


# --- reconciliation screens ------------------------------------------------------------------------


def upload(client, user, content, zone=INTRANET):
    client.force_login(user)
    return client.post(
        reverse("assets:reconciliation_add"),
        {"zone": zone, "source": "arp", "scan": SimpleUploadedFile("arp.csv", content)},
    )


def test_upload_with_a_bad_row_lists_every_line_and_writes_nothing(client, officer, assignment):
    response = upload(
        client, officer, b"IP Address,MAC Address\n10.20.1.10,aa-bb-cc-dd-ee-01\n10.20.1.300,xx\n"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 3 行" in html and "整份文件未写入" in html
    assert not Reconciliation.objects.exists()


def test_upload_compares_and_lists_items_with_filters(client, officer, assignment):
    response = upload(client, officer, f"IP Address,MAC Address\n10.20.1.50,{ROGUE}\n".encode())
    run = Reconciliation.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    html = client.get(run.get_absolute_url()).content.decode()
    assert "未登记的 MAC" in html and "已登记设备未出现" in html
    assert "尚有 <strong>2</strong> 条差异未处理" in html
    html = client.get(run.get_absolute_url(), {"kind": "not_seen"}).content.decode()
    assert 'data-kind="not_seen"' in html and 'data-kind="unregistered_mac"' not in html
    html = client.get(run.get_absolute_url(), {"resolution": "explained"}).content.decode()
    assert "data-kind=" not in html


def test_resolve_register_and_sign_off_through_the_pages(client, officer, assignment, department):
    upload(client, officer, f"ip,mac\n10.20.1.10,aa:bb:cc:dd:ee:01\n10.20.1.50,{ROGUE}\n".encode())
    run = Reconciliation.objects.get()
    item = run.items.get()
    url = reverse("assets:reconciliationitem_resolve", args=[run.pk, item.pk])
    target = AssetFactory(number="SZMZ-PC-0050", department=department)
    # Refused sign-off while open: a clear message.
    response = client.post(reverse("assets:reconciliation_sign_off", args=[run.pk]), follow=True)
    assert "尚有 1 条差异未处理" in response.content.decode()
    # An unknown asset number is refused next to the field.
    response = client.post(url, {"resolution": "registered", "asset_number": "NOPE-1"})
    assert response.status_code == 400
    assert "未找到资产“NOPE-1”" in response.content.decode()
    response = client.post(url, {"resolution": "registered", "asset_number": target.number})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.resolution == ReconciliationItem.Resolution.REGISTERED
    assert IPAssignment.objects.get(ip="10.20.1.50").asset == target
    html = client.get(url).content.decode()
    assert "登记到资产 SZMZ-PC-0050" in html  # the item's history
    response = client.post(
        reverse("assets:reconciliation_sign_off", args=[run.pk]), {"sign_off_note": "已核对"}, follow=True
    )
    run.refresh_from_db()
    assert run.state == Reconciliation.State.SIGNED_OFF
    assert Obligation.objects.get(kind="assets.reconciliation.gov_intranet").state == Obligation.State.MET


def test_explain_needs_a_note_on_the_page(client, officer, assignment):
    run = rec.start_reconciliation(
        zone=INTRANET, by=officer, rows=[{"ip": "10.20.1.77", "mac": "aa:bb:cc:dd:ee:01"}]
    )
    item = run.items.get()
    client.force_login(officer)
    response = client.post(
        reverse("assets:reconciliationitem_resolve", args=[run.pk, item.pk]), {"resolution": "explained"}
    )
    assert response.status_code == 400
    assert "请填写说明" in response.content.decode()


def test_progress_partial_polls_until_done(client, officer, assignment):
    run = rec.start_reconciliation(
        zone=INTRANET, by=officer, rows=[{"ip": "10.20.1.10", "mac": "aa:bb:cc:dd:ee:01"}], inline=False
    )
    client.force_login(officer)
    html = client.get(run.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in html and "排队中" in html
    jobs.run(run.job.pk)
    response = client.get(reverse("assets:reconciliation_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_reconciliation_actions_refuse_another_department(client, outsider, staff, officer, assignment):
    run = rec.start_reconciliation(
        zone=INTRANET, by=officer, rows=[{"ip": "10.20.1.50", "mac": ROGUE}], department=assignment.department
    )
    item = run.items.filter(kind="unregistered_mac").get()
    client.force_login(outsider)
    for url in (
        reverse("assets:reconciliation_progress", args=[run.pk]),
        reverse("assets:reconciliationitem_resolve", args=[run.pk, item.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("assets:reconciliationitem_resolve", args=[run.pk, item.pk]),
            {"resolution": "explained", "note": "x"},
        ).status_code
        == 404
    )
    assert client.post(reverse("assets:reconciliation_sign_off", args=[run.pk])).status_code == 404
    assert client.get(reverse("assets:reconciliation_add")).status_code == 403
    # A member of the run's department sees it but may not resolve or sign off.
    client.force_login(staff)
    assert client.get(reverse("assets:reconciliationitem_resolve", args=[run.pk, item.pk])).status_code == 200
    assert (
        client.post(
            reverse("assets:reconciliationitem_resolve", args=[run.pk, item.pk]),
            {"resolution": "explained", "note": "x"},
        ).status_code
        == 403
    )
    assert client.post(reverse("assets:reconciliation_sign_off", args=[run.pk])).status_code == 403
    item.refresh_from_db()
    assert item.resolution == "open"
