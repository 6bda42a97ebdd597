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


def normalise_mac(value, *, device=True):
    """``aa:bb:cc:dd:ee:ff`` from any common notation; ValidationError otherwise. A device's
    address (``device``) is never all zeros, broadcast or multicast; a scan lists those too and
    skips them itself (``device=False``)."""
    text = (value or "").strip().lower()
    if not text:
        raise ValidationError("MAC 地址不能为空。")
    if not any(pattern.match(text) for pattern in _MAC_NOTATIONS):
        raise ValidationError(
            f"“{value}”不是有效的 MAC 地址（可写作 AA-BB-CC-DD-EE-FF、aabb.ccdd.eeff 或 aabbccddeeff）。"
        )
    digits = _MAC_SEPARATORS.sub("", text)
    assert _HEX12.match(digits)
    mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
    if not device:
        return mac
    # No device has these: a placeholder, a scan artefact or a typing mistake.
    if digits == "0" * 12:
        raise ValidationError(f"“{value}”是全零 MAC 地址，不是设备地址。")
    if digits == "f" * 12:
        raise ValidationError(f"“{value}”是广播 MAC 地址，不是设备地址。")
    if int(digits[:2], 16) & 1:
        raise ValidationError(f"“{value}”是组播 MAC 地址（首字节最低位为 1），不是设备地址。")
    return mac


def normalise_ip(value):
    """The canonical text of an IPv4 or IPv6 address (IPv6 compressed, lower case)."""
    text = (value or "").strip()
    if not text:
        raise ValidationError("IP 地址不能为空。")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValidationError(f"“{value}”不是有效的 IPv4 或 IPv6 地址。") from None


# The widest network the plan holds: a /0 or a /4 is a typing mistake, not a bureau's subnet.
MIN_PREFIX = {4: 8, 6: 32}


def parse_network(value):
    """An ``ip_network`` from CIDR text; host bits set are refused (they are a typing mistake), and
    so is a network wider than /8 (IPv4) or /32 (IPv6)."""
    text = (value or "").strip()
    if "/" not in text:
        raise ValidationError(f"“{value}”缺少前缀长度，请按 CIDR 格式填写，如 10.1.2.0/24。")
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        if "host bits set" in str(error):
            network = ipaddress.ip_network(text, strict=False)
            raise ValidationError(f"“{value}”的主机位不为零，网段应写作 {network}。") from None
        raise ValidationError(f"“{value}”不是有效的 CIDR 网段。") from None
    widest = MIN_PREFIX[network.version]
    if network.prefixlen < widest:
        raise ValidationError(f"“{value}”范围过大：IPv{network.version} 网段的前缀长度不能小于 /{widest}。")
    return network


def normalise_network(value):
    return str(parse_network(value))
