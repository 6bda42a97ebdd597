"""Plausible ranges (szmz_security/core/validators.py, assets/network.py): dates from 2000-01-01,
events that have happened at most a day ahead, subnets no wider than /8 or /32, no broadcast,
multicast or all-zero MAC. Refused with a Chinese message on the field, 400 naming it in the API,
nothing written."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from assets.models import Asset, IPAssignment, Subnet
from assets.network.addresses import normalise_mac, parse_network
from incidents.models import Incident
from szmz_security.core.validators import validate_happened, validate_plausible_date, validate_year
from tests.assets.test_assets_api import URL as ASSETS_URL
from tests.assets.test_assets_api import body as asset_body
from tests.assets.test_network_api import INTRANET
from tests.assets.test_register import asset_form_data
from tests.incidents.test_api import payload as incident_payload
from tests.incidents.test_api import post as post_incident

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (date(1899, 12, 31), False),
        (date(1999, 12, 31), False),
        (date(2000, 1, 1), True),
        (date(2026, 12, 8), True),  # a day ahead: a clock slightly off
        (date(2026, 12, 9), False),
        (datetime(1899, 12, 31, 23, 0, tzinfo=SHANGHAI), False),
        (NOW + timedelta(hours=23), True),
        (NOW + timedelta(hours=25), False),
    ],
)
def test_events_that_have_happened(value, ok):
    if ok:
        validate_happened(value)
    else:
        with pytest.raises(ValidationError) as refused:
            validate_happened(value)
        assert refused.value.messages[0].startswith(("日期不能", "时间不能"))


def test_deadlines_may_lie_ahead_but_within_the_century():
    validate_plausible_date(date(2090, 1, 1))
    for value in (date(1999, 1, 1), date(2100, 1, 1)):
        with pytest.raises(ValidationError):
            validate_plausible_date(value)
    with pytest.raises(ValidationError, match="年度须在"):
        validate_year(1899)


@pytest.mark.parametrize(
    ("cidr", "ok"),
    [
        ("10.0.0.0/8", True),
        ("10.0.0.0/7", False),
        ("0.0.0.0/0", False),
        ("2001:db8::/32", True),
        ("::/0", False),
    ],
)
def test_subnets_no_wider_than_8_or_32(cidr, ok):
    if ok:
        assert parse_network(cidr)
    else:
        with pytest.raises(ValidationError, match="范围过大"):
            parse_network(cidr)


@pytest.mark.parametrize(
    ("mac", "reason"),
    [
        ("ff:ff:ff:ff:ff:ff", "广播"),
        ("00-00-00-00-00-00", "全零"),
        ("01:00:5e:00:00:16", "组播"),
        ("3333.0000.0001", "组播"),
    ],
)
def test_group_and_zero_macs_are_no_device(mac, reason):
    with pytest.raises(ValidationError, match=reason):
        normalise_mac(mac)
    assert normalise_mac(mac, device=False)  # a scan lists them; it skips them itself


@pytest.mark.django_db
def test_api_refuses_an_1899_discovery_naming_the_field(client, staff, department):
    response = post_incident(
        client, staff, incident_payload(department, discovered_at="1899-12-31T08:00:00+08:00")
    )
    assert response.status_code == 400
    assert "不能早于 2000-01-01" in response.json()["discovered_at"][0]
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_api_refuses_an_1899_purchase_date_naming_the_field(client, officer, department):
    client.force_login(officer)
    response = client.post(
        ASSETS_URL, asset_body(department, purchase_date="1899-12-31"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "不能早于 2000-01-01" in response.json()["purchase_date"][0]
    assert not Asset.objects.exists()


@pytest.mark.django_db
def test_api_refuses_the_whole_internet_and_the_broadcast_mac(client, officer, department):
    client.force_login(officer)
    subnet = {"cidr": "::/0", "zone": INTRANET, "department": department.pk, "name": "全部"}
    response = client.post(reverse("api:subnet-list"), subnet, content_type="application/json")
    assert response.status_code == 400 and "范围过大" in response.json()["cidr"][0]
    assert not Subnet.objects.exists()

    client.post(
        reverse("api:subnet-list"),
        {**subnet, "cidr": "10.20.1.0/24"},
        content_type="application/json",
    )
    response = client.post(
        reverse("api:ipassignment-list"),
        {"ip": "10.20.1.10", "mac": "ff:ff:ff:ff:ff:ff", "zone": INTRANET},
        content_type="application/json",
    )
    assert response.status_code == 400 and "广播" in response.json()["mac"][0]
    assert not IPAssignment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"), [("1899-12-31", "不能早于 2000-01-01"), ("2999-01-01", "不能晚于")]
)
def test_the_asset_screen_shows_the_error_next_to_the_purchase_date(
    client, officer, department, value, message
):
    client.force_login(officer)
    response = client.post(reverse("assets:asset_add"), asset_form_data(department, purchase_date=value))
    assert response.status_code == 400
    error = response.content.decode().split('data-field="purchase_date">', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert not Asset.objects.exists()
