"""A scan's rows: what a switch, a router's ARP table or the DHCP server says is on the network —
IP, MAC and optionally a host name and a time. Every row is validated before anything is written;
one bad row refuses the whole scan with each bad row's line and reason (``ScanRejected``)."""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from ...network.addresses import normalise_ip, normalise_mac


def header_key(text):
    return re.sub(r"[\s_\-\.:/()（）]", "", (text or "").strip().lower())


# What the common exports call the columns (compared without case, spaces, - _ . / brackets).
HEADER_ALIASES = {
    "ip": {
        "ip",
        "ipaddress",
        "ipaddr",
        "ipv4",
        "ipv4address",
        "ipv6",
        "ipv6address",
        "internetaddress",
        "address",
        "clientip",
        "leasedip",
        "leaseip",
        "ip地址",
        "地址",
        "ip地址ipaddress",
    },
    "mac": {
        "mac",
        "macaddress",
        "macaddr",
        "physicaladdress",
        "hwaddr",
        "hwaddress",
        "hardwareaddress",
        "hardwareethernet",
        "ethernet",
        "chaddr",
        "clientmac",
        "uniqueid",
        "mac地址",
        "物理地址",
        "硬件地址",
    },
    "hostname": {
        "hostname",
        "host",
        "clienthostname",
        "name",
        "devicename",
        "computername",
        "clientname",
        "主机名",
        "计算机名",
        "设备名称",
    },
    "time": {
        "time",
        "lastseen",
        "lastseenat",
        "seen",
        "seenat",
        "timestamp",
        "datetime",
        "date",
        "starts",
        "leasestart",
        "leasestarttime",
        "updated",
        "时间",
        "发现时间",
        "最后发现时间",
    },
}

ALIAS_TO_COLUMN = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}

COLUMN_LABELS = {"ip": "IP 地址", "mac": "MAC 地址", "hostname": "主机名", "time": "时间"}

TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%d/%m/%Y %H:%M:%S")


@dataclass(frozen=True, slots=True)
class ScanRow:
    line: int
    ip: str
    ip_int: int
    version: int
    mac: str
    hostname: str
    seen_at: datetime | None


class ScanRejected(Exception):
    """The scan as a whole is refused: ``errors`` = [{"line": 3, "errors": {"mac": "…"}}, …]
    (line 0 for the file itself, e.g. a missing column)."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} 行有误")
        self.errors = errors

    def messages(self, limit=50):
        return [
            (f"第 {error['line']} 行：" if error["line"] else "")
            + "；".join(f"{COLUMN_LABELS.get(k, k)} {v}" for k, v in error["errors"].items())
            for error in self.errors[:limit]
        ]


def parse_time(value):
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) >= 9:  # Unix time, as some exports write it
        return datetime.fromtimestamp(int(text), tz=timezone.get_current_timezone())
    # ISC dhcpd writes "4 2026/11/05 08:00:01" (weekday first); drop a leading weekday digit.
    text = re.sub(r"^[0-6]\s+(?=\d{4}[/-])", "", text).rstrip(";")
    parsed = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for pattern in TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValidationError(f"“{value}”不是可识别的时间（如 2026-11-05 08:00:00）。")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def is_group_mac(mac):
    """Broadcast and multicast MACs (the I/G bit set): ARP tables list them, they are no device."""
    return int(mac[:2], 16) & 1 == 1


def validate_row(line, data):
    """A ``ScanRow`` from one row's raw values, or a dict of field → reason."""
    errors = {}
    ip = mac = None
    try:
        ip = normalise_ip(data.get("ip"))
    except ValidationError as error:
        errors["ip"] = error.messages[0]
    try:
        mac = normalise_mac(data.get("mac"), device=False)
    except ValidationError as error:
        errors["mac"] = error.messages[0]
    hostname = (data.get("hostname") or "").strip()
    if len(hostname) > 100:
        errors["hostname"] = "主机名过长（最多 100 个字符）。"
    seen_at = None
    try:
        seen_at = parse_time(data.get("time"))
    except ValidationError as error:
        errors["time"] = error.messages[0]
    if errors:
        return errors
    address = ipaddress.ip_address(ip)
    return ScanRow(line, ip, int(address), address.version, mac, hostname, seen_at)


@dataclass
class ParsedScan:
    rows: list
    skipped: int = 0  # broadcast / multicast entries


def validated(numbered_rows):
    rows, errors, skipped = [], [], 0
    for line, data in numbered_rows:
        result = validate_row(line, data)
        if isinstance(result, dict):
            errors.append({"line": line, "errors": result})
        elif is_group_mac(result.mac):
            skipped += 1
        else:
            rows.append(result)
    if errors:
        raise ScanRejected(errors)
    if not rows and not skipped:
        raise ScanRejected([{"line": 0, "errors": {"scan": "扫描结果中没有任何记录。"}}])
    return ParsedScan(rows, skipped)
