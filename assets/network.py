"""Normalising what people type for IPs, networks and MAC addresses (DESIGN.md §8).

Every comparison in the register and in reconciliation is between normalised values, so that
``AA-BB-CC-DD-EE-FF``, ``aabb.ccdd.eeff`` and ``aa:bb:cc:dd:ee:ff`` are one device and
``2001:DB8:0::1`` and ``2001:db8::1`` one address.
"""

import ipaddress
import re

from django.core.exceptions import ValidationError

_MAC_SEPARATORS = re.compile(r"[\s:\-\.]")
_HEX12 = re.compile(r"^[0-9a-f]{12}$")
# The notations accepted: six groups of two (":" or "-"), three groups of four ("." as Cisco
# writes them) or twelve digits with no separator.
_MAC_NOTATIONS = (
    re.compile(r"^[0-9a-f]{2}([:\-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$"),
    re.compile(r"^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$"),
    re.compile(r"^[0-9a-f]{12}$"),
)


def normalise_mac(value):
    """``aa:bb:cc:dd:ee:ff`` from any common notation; ValidationError otherwise."""
    text = (value or "").strip().lower()
    if not text:
        raise ValidationError("MAC 地址不能为空。")
    if not any(pattern.match(text) for pattern in _MAC_NOTATIONS):
        raise ValidationError(
            f"“{value}”不是有效的 MAC 地址（可写作 AA-BB-CC-DD-EE-FF、aabb.ccdd.eeff 或 aabbccddeeff）。"
        )
    digits = _MAC_SEPARATORS.sub("", text)
    assert _HEX12.match(digits)
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def normalise_ip(value):
    """The canonical text of an IPv4 or IPv6 address (IPv6 compressed, lower case)."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("IP 地址不能为空。")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValidationError(f"“{value}”不是有效的 IPv4 或 IPv6 地址。") from None


def parse_network(value):
    """An ``ip_network`` from CIDR text; host bits set are refused (they are a typing mistake)."""
    text = (value or "").strip()
    if "/" not in text:
        raise ValidationError(f"“{value}”缺少前缀长度，请按 CIDR 格式填写，如 10.1.2.0/24。")
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        if "host bits set" in str(error):
            network = ipaddress.ip_network(text, strict=False)
            raise ValidationError(f"“{value}”的主机位不为零，网段应写作 {network}。") from None
        raise ValidationError(f"“{value}”不是有效的 CIDR 网段。") from None


def normalise_network(value):
    return str(parse_network(value))
