"""Normalising what people type (assets/network.py): every MAC notation is one device, every IPv6
spelling one address, and a bad value is refused with a Chinese message naming it."""

import pytest
from django.core.exceptions import ValidationError

from assets.network.addresses import normalise_ip, normalise_mac, normalise_network, parse_network

CANONICAL = "aa:bb:cc:0d:0e:ff"


@pytest.mark.parametrize(
    "value",
    [
        "AA-BB-CC-0D-0E-FF",
        "aa-bb-cc-0d-0e-ff",
        "aa:bb:cc:0d:0e:ff",
        "AA:BB:CC:0D:0E:FF",
        "aabb.cc0d.0eff",
        "AABB.CC0D.0EFF",
        "aabbcc0d0eff",
        "AABBCC0D0EFF",
        "  AA-bb-CC-0d-0E-ff  ",
    ],
)
def test_every_mac_notation_gives_one_form(value):
    assert normalise_mac(value) == CANONICAL


@pytest.mark.parametrize(
    "value",
    [
        "aa:bb:cc:dd:ee",  # five groups
        "aa:bb:cc:dd:ee:ff:00",
        "aa-bb:cc-dd:ee-ff",  # mixed separators
        "gg:bb:cc:dd:ee:ff",
        "aabb.ccdd.eef",
        "aabbccddeef",
        "aa bb cc dd ee ff",
        "a:b:c:d:e:f",
    ],
)
def test_bad_macs_are_refused_with_the_value_named(value):
    with pytest.raises(ValidationError) as error:
        normalise_mac(value)
    assert value in error.value.messages[0]
    assert "不是有效的 MAC 地址" in error.value.messages[0]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_mac_is_refused(value):
    with pytest.raises(ValidationError, match="不能为空"):
        normalise_mac(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.20.1.5", "10.20.1.5"),
        (" 10.20.1.5 ", "10.20.1.5"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("FE80::0202:B3FF:FE1E:8329", "fe80::202:b3ff:fe1e:8329"),
        ("::ffff:10.0.0.1", "::ffff:a00:1"),
    ],
)
def test_ips_are_normalised(value, expected):
    assert normalise_ip(value) == expected


@pytest.mark.parametrize(
    "value", ["10.20.1.256", "10.20.1", "10.20.1.5/24", "2001:db8:::1", "abc", "1.2.3.4.5"]
)
def test_bad_ips_are_refused(value):
    with pytest.raises(ValidationError, match="不是有效的 IPv4 或 IPv6 地址"):
        normalise_ip(value)


def test_empty_ip_is_refused():
    with pytest.raises(ValidationError, match="不能为空"):
        normalise_ip("")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.20.1.0/24", "10.20.1.0/24"),
        ("2001:DB8:1::/64", "2001:db8:1::/64"),
        ("2001:0db8:0001:0000::/64", "2001:db8:1::/64"),
    ],
)
def test_networks_are_normalised(value, expected):
    assert normalise_network(value) == expected


def test_network_with_host_bits_names_the_right_form():
    with pytest.raises(ValidationError) as error:
        parse_network("10.20.1.5/24")
    assert "10.20.1.0/24" in error.value.messages[0]


@pytest.mark.parametrize("value", ["10.20.1.0", "10.20.1.0/33", "nonsense/24"])
def test_bad_networks_are_refused(value):
    with pytest.raises(ValidationError):
        parse_network(value)
