"""The compliance list: every visible asset breaking a rule, with its reasons, filterable by rule
and department, exportable, in a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset
from szmz_security.core.choices import NetworkZone, Secrecy
from tests.assets.factories import AssetFactory, MacAddressFactory

pytestmark = pytest.mark.django_db

URL = reverse("assets:compliance_list")


def fine(department, **fields):
    """An in-use desktop that breaks nothing (MAC registered, anti-virus current)."""
    values = {"department": department, "antivirus_updated_on": timezone.localdate()}
    values.update(fields)
    asset = AssetFactory(**values)
    MacAddressFactory(asset=asset)
    return asset


def bypass_clean(**fields):
    """Legacy data that the form would refuse (written before the rules, or by a bulk load)."""
    return AssetFactory(**fields)


def shown(html, asset):
    return f'href="{asset.get_absolute_url()}"' in html


def test_each_rule_with_its_reason(client, officer, department, settings):
    settings.ASSET_ANTIVIRUS_MAX_AGE_DAYS = 30
    today = timezone.localdate()
    ok = fine(department)
    ok_standalone = AssetFactory(
        department=department, zone=NetworkZone.STANDALONE, antivirus_updated_on=today
    )
    on_internet = bypass_clean(
        department=department,
        secrecy=Secrecy.SECRET,
        zone=NetworkZone.INTERNET,
        wireless_removed=True,
        antivirus_updated_on=today,
    )
    MacAddressFactory(asset=on_internet)
    with_wireless = bypass_clean(
        department=department, secrecy=Secrecy.SECRET, zone=NetworkZone.STANDALONE, antivirus_updated_on=today
    )
    stale = fine(department, antivirus_updated_on=today - dt.timedelta(days=31))
    borderline = fine(department, antivirus_updated_on=today - dt.timedelta(days=30))
    never = fine(department, type=Asset.Type.SERVER, antivirus_updated_on=None)
    no_mac = AssetFactory(department=department, type=Asset.Type.LAPTOP, antivirus_updated_on=today)
    idle_no_mac = AssetFactory(department=department, status=Asset.Status.IDLE, antivirus_updated_on=None)
    system = AssetFactory(department=department, type=Asset.Type.SYSTEM, zone=NetworkZone.GOV_EXTRANET)
    graded = AssetFactory(department=department, type=Asset.Type.SYSTEM, data_grade="core")
    scrapped = bypass_clean(
        department=department, secrecy=Secrecy.SECRET, zone=NetworkZone.INTERNET, status=Asset.Status.SCRAPPED
    )

    client.force_login(officer)
    html = client.get(URL).content.decode()
    for asset in (ok, ok_standalone, borderline, idle_no_mac, graded, scrapped):
        assert not shown(html, asset), asset
    for asset in (on_internet, with_wireless, stale, never, no_mac, system):
        assert shown(html, asset), asset
    assert "秘密资产用于互联网" in html
    assert "涉密计算机未拆除无线模块" in html
    assert "病毒库 31 天未更新" in html
    assert "未登记病毒库更新日期" in html
    assert "联网计算机未登记 MAC 地址" in html
    assert "信息系统未定数据级别" in html

    def listed(**params):
        page = client.get(URL, params).content.decode()
        return {a for a in (on_internet, with_wireless, stale, never, no_mac, system) if shown(page, a)}

    assert listed(rule="antivirus") == {stale, never}
    assert listed(rule="no_mac") == {no_mac}
    assert listed(rule="classified_zone") == {on_internet}
    assert listed(rule="wireless") == {with_wireless}
    assert listed(rule="data_grade") == {system}


def test_antivirus_age_follows_the_setting(client, officer, department, settings):
    stale = fine(department, antivirus_updated_on=timezone.localdate() - dt.timedelta(days=10))
    client.force_login(officer)
    settings.ASSET_ANTIVIRUS_MAX_AGE_DAYS = 30
    assert not shown(client.get(URL).content.decode(), stale)
    settings.ASSET_ANTIVIRUS_MAX_AGE_DAYS = 7
    assert shown(client.get(URL).content.decode(), stale)


def test_only_visible_assets_and_department_filter(client, staff, department, other_department):
    mine = AssetFactory(department=department)
    theirs = AssetFactory(department=other_department)
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert shown(html, mine) and not shown(html, theirs)
    html = client.get(URL, {"department": other_department.pk}).content.decode()
    assert not shown(html, theirs)


def test_export_lists_the_reasons(client, officer, department):
    asset = AssetFactory(department=department, type=Asset.Type.SYSTEM)
    client.force_login(officer)
    response = client.get(URL, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert asset.number in text and "信息系统未定数据级别" in text


def test_queries_do_not_grow_with_rows(client, officer, department):
    client.force_login(officer)

    def add(n, start):
        for i in range(n):
            AssetFactory(department=department, number=f"C-{start + i}", antivirus_updated_on=None)

    add(3, 0)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    add(27, 100)
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()
    assert html.count("未登记病毒库更新日期") >= 25
    assert len(many) == len(few)
