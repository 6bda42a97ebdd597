"""The asset register screens: list (filters, pagination, constant queries), detail, the form
with Asset.clean()'s rules next to the field, deletion, and the export in the import format."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset
from szmz_security.auditlog.models import AuditEvent
from szmz_security.core.choices import NetworkZone, Secrecy
from szmz_security.org.access import grant
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MacAddressFactory, SubnetFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def asset_form_data(department, **overrides):
    data = {
        "number": "SZMZ-PC-90001",
        "type": Asset.Type.DESKTOP,
        "name": "综合业务电脑",
        "department": department.pk,
        "zone": NetworkZone.GOV_INTRANET,
        "secrecy": Secrecy.NONE,
        "status": Asset.Status.IN_USE,
    }
    data.update(overrides)
    return data


# --- list -----------------------------------------------------------------------------------------


def test_list_filters_by_search_type_zone_and_custodian(client, officer, department):
    keeper = UserFactory(username="zhangsan", profile="张三", departments=[department])
    printer = AssetFactory(
        department=department, type=Asset.Type.PRINTER, name="彩色打印机", serial="SN-PRN-7"
    )
    laptop = AssetFactory(department=department, type=Asset.Type.LAPTOP, custodian=keeper, location="6楼601")
    extranet = AssetFactory(department=department, zone=NetworkZone.GOV_EXTRANET)
    client.force_login(officer)

    def listed(**params):
        html = client.get(reverse("assets:asset_list"), params).content.decode()
        return {
            asset for asset in (printer, laptop, extranet) if f'href="{asset.get_absolute_url()}"' in html
        }

    assert listed(q="SN-PRN") == {printer}
    assert listed(q="601") == {laptop}
    assert listed(type="printer") == {printer}
    assert listed(zone="gov_extranet") == {extranet}
    assert listed(custodian="张三") == {laptop}
    assert listed(custodian="zhangsan") == {laptop}
    assert listed(department=department.pk) == {printer, laptop, extranet}


def test_list_paginates_25_a_page(client, officer, department):
    for _ in range(30):
        AssetFactory(department=department)
    client.force_login(officer)
    html = client.get(reverse("assets:asset_list")).content.decode()
    assert html.count('name="pk"') == 25
    assert "第 1 页" in html or "page=2" in html


@pytest.mark.parametrize("who", ["staff", "officer"])
def test_list_queries_do_not_grow_with_rows(client, request, department, other_department, who):
    viewer = request.getfixturevalue(who)

    def add(n, start):
        for i in range(n):
            own = i % 3 != 0
            asset = AssetFactory(
                department=department if own else other_department,
                custodian=UserFactory(departments=[department]),
                number=f"Q-{start + i:05d}",
            )
            if not own:
                grant("view", viewer, asset)

    client.force_login(viewer)
    url = reverse("assets:asset_list")
    add(3, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(27, 100)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('name="pk"') == 25
    assert len(many) == len(few)


def test_csv_export_of_the_list_is_audited(client, officer, department):
    asset = AssetFactory(department=department)
    client.force_login(officer)
    response = client.get(reverse("assets:asset_list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert asset.number in text
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, user=officer).exists()


# --- detail ---------------------------------------------------------------------------------------


def test_detail_shows_fields_custodian_network_and_problems(client, staff, department):
    keeper = UserFactory(username="lisi", profile="李四", departments=[department])
    asset = AssetFactory(
        department=department, custodian=keeper, antivirus_product="某杀毒", antivirus_updated_on=None
    )
    client.force_login(staff)
    response = client.get(asset.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert asset.number in html and "李四" in html and "某杀毒" in html
    assert "未登记病毒库更新日期" in html  # the compliance reasons of this asset
    assert "未登记 MAC 地址" in html


def test_detail_queries_do_not_grow_with_macs_and_ips(client, officer, department):
    asset = AssetFactory(department=department)
    subnet = SubnetFactory(department=department, cidr="10.9.0.0/24")
    client.force_login(officer)
    MacAddressFactory(asset=asset)
    IPAssignmentFactory(subnet=subnet, asset=asset, ip="10.9.0.2")
    client.get(asset.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(asset.get_absolute_url())
    for i in range(5):
        MacAddressFactory(asset=asset)
        IPAssignmentFactory(subnet=subnet, asset=asset, ip=f"10.9.0.{10 + i}")
    with CaptureQueriesContext(connection) as many:
        client.get(asset.get_absolute_url())
    assert len(many) == len(few)


# --- add and edit ---------------------------------------------------------------------------------


def test_officer_registers_an_asset_with_history(client, officer, department):
    client.force_login(officer)
    response = client.post(reverse("assets:asset_add"), asset_form_data(department))
    asset = Asset.objects.get(number="SZMZ-PC-90001")
    assert response.status_code == 302 and response.url == asset.get_absolute_url()
    entry = asset.history.get()
    assert entry.history_user == officer
    assert entry.history_change_reason == "登记资产"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"secrecy": Secrecy.SECRET, "zone": NetworkZone.INTERNET}, "zone", "涉密资产严禁接入互联网"),
        ({"secrecy": Secrecy.CONFIDENTIAL}, "zone", "只能用于涉密网或单机"),
        ({"secrecy": Secrecy.SECRET, "zone": NetworkZone.STANDALONE}, "wireless_removed", "必须拆除无线模块"),
        ({"data_grade": "core"}, "data_grade", "仅适用于信息系统"),
    ],
)
def test_rules_are_refused_next_to_the_field(client, officer, department, overrides, field, message):
    client.force_login(officer)
    response = client.post(reverse("assets:asset_add"), asset_form_data(department, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-field="{field}">' in html
    assert message in html.split(f'data-field="{field}">', 1)[1].split("</div>", 1)[0]
    assert not Asset.objects.exists()


def test_classified_standalone_computer_with_wireless_removed_is_accepted(client, officer, department):
    client.force_login(officer)
    data = asset_form_data(
        department, secrecy=Secrecy.SECRET, zone=NetworkZone.STANDALONE, wireless_removed="on"
    )
    assert client.post(reverse("assets:asset_add"), data).status_code == 302
    assert Asset.objects.get().is_classified


def test_future_antivirus_date_is_refused(client, officer, department):
    client.force_login(officer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("assets:asset_add"), asset_form_data(department, antivirus_updated_on=tomorrow)
    )
    assert response.status_code == 400
    assert "病毒库更新日期不能晚于今天" in response.content.decode()


def test_staff_cannot_register_assets(client, staff, department):
    client.force_login(staff)
    assert client.get(reverse("assets:asset_add")).status_code == 403
    assert client.post(reverse("assets:asset_add"), asset_form_data(department)).status_code == 403


def test_head_edits_own_asset_but_cannot_move_it_elsewhere(client, head, department, other_department):
    asset = AssetFactory(department=department)
    client.force_login(head)
    page = client.get(reverse("assets:asset_edit", args=[asset.pk])).content.decode()
    assert other_department.name not in page  # only the asset's own department is offered
    data = asset_form_data(department, number=asset.number, location="9楼")
    assert client.post(reverse("assets:asset_edit", args=[asset.pk]), data).status_code == 302
    asset.refresh_from_db()
    assert asset.location == "9楼"
    moved = asset_form_data(other_department, number=asset.number)
    response = client.post(reverse("assets:asset_edit", args=[asset.pk]), moved)
    assert response.status_code == 400
    asset.refresh_from_db()
    assert asset.department == department


def test_custodian_offered_from_the_departments_members(client, officer, department):
    UserFactory(username="member", profile="王五", departments=[department])
    client.force_login(officer)
    page = client.get(reverse("assets:asset_add")).content.decode()
    assert "王五（member）" in page


def test_custodian_outside_the_offered_people_is_refused(client, head, department, other_department):
    asset = AssetFactory(department=department)
    stranger = UserFactory(departments=[other_department])
    client.force_login(head)
    data = asset_form_data(department, number=asset.number, custodian=stranger.pk)
    response = client.post(reverse("assets:asset_edit", args=[asset.pk]), data)
    assert response.status_code == 400
    assert 'data-field="custodian"' in response.content.decode()


# --- delete ---------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_deletes(client, officer, department):
    asset = AssetFactory(department=department)
    client.force_login(officer)
    url = reverse("assets:asset_delete", args=[asset.pk])
    assert "确认删除" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Asset.objects.filter(pk=asset.pk).exists()


def test_delete_refused_while_a_mac_refers_to_the_asset(client, officer, department):
    asset = AssetFactory(department=department)
    MacAddressFactory(asset=asset)
    client.force_login(officer)
    response = client.post(reverse("assets:asset_delete", args=[asset.pk]), follow=True)
    assert "仍被其他记录引用" in response.content.decode()
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_history_tab_shows_changes(client, officer, department):
    client.force_login(officer)
    client.post(reverse("assets:asset_add"), asset_form_data(department))
    asset = Asset.objects.get()
    client.post(reverse("assets:asset_edit", args=[asset.pk]), asset_form_data(department, location="机房A"))
    html = client.get(reverse("assets:asset_history", args=[asset.pk])).content.decode()
    assert "机房A" in html and "存放地点" in html


# --- demo data ------------------------------------------------------------------------------------


def test_demo_register_is_idempotent_and_shows_a_compliance_problem(client):
    from django.core.management import call_command

    from assets.models import MachineRoom
    from szmz_security.org.models import Department

    call_command("seed_demo")
    call_command("seed_demo")
    assert Asset.objects.filter(number__startswith="SZMZ-").count() == 12
    assert len({a.department_id for a in Asset.objects.all()}) >= 4
    secret = Asset.objects.get(number="SZMZ-PC-0004")
    assert secret.is_classified and secret.zone == NetworkZone.STANDALONE and secret.wireless_removed
    room = MachineRoom.objects.get()
    assert room.accesses.count() == 1 and room.changes.count() == 1
    assert room.backups.get().date == timezone.localdate() - dt.timedelta(days=1)
    officer = Department.objects.get(code="XXZX").group.user_set.get(username="officer")
    client.force_login(officer)
    html = client.get(reverse("assets:compliance_list"), {"rule": "antivirus"}).content.decode()
    assert "SZMZ-PC-0002" in html and "病毒库 75 天未更新" in html
