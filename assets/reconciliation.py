"""The monthly IP/MAC reconciliation (regulation 7 §1): reading a scan, comparing it with the
register, resolving what differs, signing the run off, and the monthly obligation it meets.

A scan is what a switch, a router's ARP table or the DHCP server says is on the network: rows of
IP, MAC and optionally a host name and a time. It arrives as a CSV upload (the column names of the
common exports are understood, see ``HEADER_ALIASES``) or as JSON rows through the API. Every row is
validated before anything is written; one bad row refuses the whole scan with each bad row's line
and reason (``ScanRejected``).

The comparison (``compare``) runs in memory on normalised values: the register of the zone is read
with ``values_list`` into dicts, the scan is folded into per-IP and per-MAC maps, and the items are
written with ``bulk_create`` in batches. 100,000 scan rows against 100,000 assignments take a few
seconds (bench/bench_reconciliation.py).

Which item one observation (a seen IP–MAC pair) produces, in order of precedence (each
observation yields at most one item, so one problem is not listed three times):

1. ``WRONG_SUBNET`` — the IP lies outside every subnet of the run's zone. Nothing else is said
   about that pair: the device is on an address the zone's plan does not have at all.
2. ``DUPLICATE_IP`` — the IP was seen with two or more MACs. One item per IP, naming every MAC;
   the per-MAC findings of those observations (unregistered, wrong IP) are in its detail.
3. ``UNREGISTERED_MAC`` — the MAC is in neither the MAC register nor any assignment. One item per
   MAC (the most recently seen IP; the other IPs are in the detail).
4. ``WRONG_SUBNET`` — the MAC is registered, has no assignment in this zone, and its asset belongs
   to another zone or it is assigned in another zone (a device moved across networks).
5. ``IP_MISMATCH`` — the MAC is registered (to an asset of this zone) but seen on an IP that is
   not one assigned to it in this zone. One item per (MAC, IP).
6. Otherwise the observation matches the register.

And for the register: ``NOT_SEEN`` — an assignment of this zone that has a MAC, when neither its MAC
nor its IP appears anywhere in the scan (a MAC seen elsewhere is an ``IP_MISMATCH``; its IP used
by another MAC is that observation's item, whose detail names the registered device).
"""

import bisect
import csv
import io
import ipaddress
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from szmz_security.core.choices import NetworkZone
from szmz_security.core.uploads import check_upload
from szmz_security.jobs import services as jobs
from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import create_obligation, meet
from szmz_security.org.models import Department

from .models import Asset, IPAssignment, MacAddress, Reconciliation, ReconciliationItem, Subnet
from .network import normalise_ip, normalise_mac

logger = logging.getLogger(__name__)

Kind = ReconciliationItem.Kind
Resolution = ReconciliationItem.Resolution

# Scans up to this many rows are compared in the request; larger ones in the Celery task.
INLINE_ROWS = 2000
# Scan exports: comma or tab separated text, checked by content (szmz_security/core/uploads.py).
SCAN_TYPES = {".csv", ".txt", ".tsv"}
ITEM_BATCH = 1000
PROGRESS_EVERY = 5000
OBLIGATION_KIND = "assets.reconciliation"
OBLIGATION_CLAUSE = "市民政局制度 第七章第1条"
SIGN_OFF_PERMISSION = "assets.sign_off_reconciliation"

# --- reading a scan -------------------------------------------------------------------------------


def _header_key(text):
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
_ALIAS_TO_COLUMN = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
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


def _validated(numbered_rows):
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


def decode_scan(raw):
    """UTF-8 with or without BOM; GB18030 (what Excel on a Chinese Windows saves) as fallback."""
    if isinstance(raw, str):
        return raw.lstrip("\ufeff")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ScanRejected(
                [{"line": 0, "errors": {"scan": "文件编码无法识别，请保存为 UTF-8 编码的 CSV。"}}]
            ) from None


def _delimiter(first_line):
    if "\t" in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


def parse_csv(raw):
    """A ``ParsedScan`` from CSV (comma, semicolon or tab separated) bytes or text."""
    text = decode_scan(raw)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ScanRejected([{"line": 0, "errors": {"scan": "文件为空。"}}])
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header = None
    columns = {}
    numbered = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            for index, cell in enumerate(cells):
                column = _ALIAS_TO_COLUMN.get(_header_key(cell))
                if column and column not in columns:
                    columns[column] = index
            if not columns:
                # No header: ip, mac[, hostname[, time]] when the first row reads so.
                try:
                    normalise_ip(cells[0])
                    normalise_mac(cells[1] if len(cells) > 1 else "", device=False)
                except ValidationError:
                    pass
                else:
                    columns = {"ip": 0, "mac": 1, "hostname": 2, "time": 3}
                    numbered.append((reader.line_num, _pick(cells, columns)))
                    continue
            missing = [COLUMN_LABELS[c] for c in ("ip", "mac") if c not in columns]
            if missing:
                raise ScanRejected(
                    [
                        {
                            "line": reader.line_num,
                            "errors": {
                                "scan": f"表头缺少{'、'.join(missing)}列（可用列名如 IP Address、"
                                "MAC Address / Physical Address / hwaddr、Hostname、Last Seen）。"
                            },
                        }
                    ]
                )
            continue
        numbered.append((reader.line_num, _pick(cells, columns)))
    return _validated(numbered)


def _pick(cells, columns):
    return {name: (cells[index] if index < len(cells) else "") for name, index in columns.items()}


def parse_rows(rows):
    """A ``ParsedScan`` from JSON rows ``[{"ip":…, "mac":…, "hostname":…, "time":…}]`` (the
    column aliases of CSV headers are accepted as keys too); ``line`` is the row's 1-based index."""
    if not isinstance(rows, list):
        raise ScanRejected([{"line": 0, "errors": {"rows": "rows 须为列表。"}}])
    numbered = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            numbered.append((index, {}))
            continue
        data = {}
        for key, value in row.items():
            column = key if key in COLUMN_LABELS else _ALIAS_TO_COLUMN.get(_header_key(str(key)))
            if column and column not in data:
                data[column] = "" if value is None else str(value)
        numbered.append((index, data))
    return _validated(numbered)


def rows_as_csv(rows):
    """JSON rows kept as the run's scan file (the evidence of what was compared)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ip", "mac", "hostname", "time"])
    for row in rows:
        writer.writerow([row.ip, row.mac, row.hostname, row.seen_at.isoformat() if row.seen_at else ""])
    return buffer.getvalue().encode("utf-8")


# --- the comparison -------------------------------------------------------------------------------


class SubnetIndex:
    """Which subnet of a zone holds an address: bisect over the (non-overlapping) ranges."""

    def __init__(self, cidrs):
        ranges = {4: [], 6: []}
        for pk, cidr in cidrs:
            network = ipaddress.ip_network(cidr)
            ranges[network.version].append((int(network.network_address), int(network.broadcast_address), pk))
        self.ranges = {version: sorted(items) for version, items in ranges.items()}
        self.starts = {version: [item[0] for item in items] for version, items in self.ranges.items()}

    def find(self, version, value):
        index = bisect.bisect_right(self.starts[version], value) - 1
        if index >= 0:
            start, end, pk = self.ranges[version][index]
            if value <= end:
                return pk
        return None


@dataclass
class Register:
    """The register as the comparison needs it, read with ``values_list``."""

    zone: str
    subnets: SubnetIndex
    by_ip: dict  # ip → (assignment pk, mac, asset pk, asset number)
    by_mac: dict  # mac → [(assignment pk, ip, asset pk, asset number)] in this zone
    mac_assets: dict  # mac → (asset pk, asset number, asset zone) from the MAC register
    other_zone_macs: dict  # mac → zone of an assignment elsewhere

    @classmethod
    def load(cls, zone):
        subnets = SubnetIndex(Subnet.objects.filter(zone=zone).values_list("pk", "cidr"))
        by_ip, by_mac = {}, defaultdict(list)
        for pk, ip, mac, asset_id, number in (
            IPAssignment.objects.filter(zone=zone)
            .values_list("pk", "ip", "mac", "asset_id", "asset__number")
            .iterator(chunk_size=5000)
        ):
            by_ip[ip] = (pk, mac, asset_id, number)
            if mac:
                by_mac[mac].append((pk, ip, asset_id, number))
        mac_assets = {
            mac: (asset_id, number, asset_zone)
            for mac, asset_id, number, asset_zone in MacAddress.objects.values_list(
                "mac", "asset_id", "asset__number", "asset__zone"
            ).iterator(chunk_size=5000)
        }
        other_zone_macs = dict(
            IPAssignment.objects.exclude(zone=zone)
            .exclude(mac="")
            .values_list("mac", "zone")
            .iterator(chunk_size=5000)
        )
        return cls(zone, subnets, by_ip, dict(by_mac), mac_assets, other_zone_macs)


@dataclass
class Observation:
    ip: str
    version: int
    ip_int: int
    mac: str
    hostname: str = ""
    seen_at: datetime | None = None
    lines: list = field(default_factory=list)


def zone_label(zone):
    return NetworkZone(zone).label


def mac_text(mac):
    return mac.upper().replace(":", "-")


def _later(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def fold(rows):
    """The scan as unique (IP, MAC) observations, keeping the latest time and a host name."""
    pairs = {}
    for row in rows:
        key = (row.ip, row.mac)
        seen = pairs.get(key)
        if seen is None:
            pairs[key] = Observation(row.ip, row.version, row.ip_int, row.mac, row.hostname, row.seen_at)
        else:
            seen.seen_at = _later(seen.seen_at, row.seen_at)
            seen.hostname = seen.hostname or row.hostname
    return pairs


def _detail(text):
    return text if len(text) <= 300 else text[:299] + "…"


def compare(zone, rows, register=None, progress=None):
    """The discrepancies between ``rows`` (ScanRow) and the register of ``zone``, as unsaved
    ``ReconciliationItem`` objects (without ``reconciliation``). ``progress(n)`` is called as rows
    are compared."""
    register = register or Register.load(zone)
    label = zone_label(zone)
    pairs = fold(rows)
    if progress:
        progress(len(rows) // 2)
    by_ip_seen = defaultdict(list)
    seen_macs = set()
    for observation in pairs.values():
        by_ip_seen[observation.ip].append(observation)
        seen_macs.add(observation.mac)

    items = []
    unregistered = {}  # mac → [observations]
    for done, (ip, observations) in enumerate(by_ip_seen.items(), start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(len(rows) // 2 + min(len(rows) // 2, done))
        first = observations[0]
        registered = register.by_ip.get(ip)
        if register.subnets.find(first.version, first.ip_int) is None:
            for observation in observations:
                items.append(
                    _item(
                        Kind.WRONG_SUBNET,
                        observation,
                        f"{ip} 不在{label}的任何已登记网段内" + _owner_note(register, observation.mac) + "。",
                        asset_id=_asset_of(register, observation.mac),
                    )
                )
            continue
        if len(observations) > 1:
            macs = sorted(observation.mac for observation in observations)
            notes = []
            for mac in macs:
                owner = register.mac_assets.get(mac) or (register.by_mac.get(mac) or [None])[0]
                if owner is None:
                    notes.append(f"{mac_text(mac)}（未登记）")
                else:
                    notes.append(f"{mac_text(mac)}（资产 {owner[1] if len(owner) == 3 else owner[3]}）")
            assigned = (
                f"；台账登记为资产 {registered[3] or '（无）'} 的 {mac_text(registered[1]) or '（无 MAC）'}"
                if registered
                else "；台账中该 IP 未分配"
            )
            latest = max(observations, key=lambda o: (o.seen_at is not None, o.seen_at or datetime.min))
            items.append(
                ReconciliationItem(
                    kind=Kind.DUPLICATE_IP,
                    ip=ip,
                    mac="",
                    hostname=latest.hostname[:100],
                    seen_at=latest.seen_at,
                    detail=_detail(f"{ip} 同时出现 {len(macs)} 个 MAC：{'、'.join(notes)}{assigned}。"),
                    assignment_id=registered[0] if registered else None,
                    asset_id=registered[2] if registered else None,
                )
            )
            continue
        observation = first
        mac = observation.mac
        own = register.by_mac.get(mac)
        owner = register.mac_assets.get(mac)
        if own is None and owner is None and mac not in register.other_zone_macs:
            unregistered.setdefault(mac, []).append(observation)
            continue
        if own is None:
            other_zone = register.other_zone_macs.get(mac)
            asset_zone = owner[2] if owner else None
            if other_zone or (asset_zone and asset_zone != zone):
                where = zone_label(other_zone or asset_zone)
                number = owner[1] if owner else "（未知）"
                items.append(
                    _item(
                        Kind.WRONG_SUBNET,
                        observation,
                        f"MAC {mac_text(mac)} 属于{where}的资产 {number}，却出现在{label}的 {ip}。",
                        asset_id=owner[0] if owner else None,
                    )
                )
                continue
            items.append(
                _item(
                    Kind.IP_MISMATCH,
                    observation,
                    f"MAC {mac_text(mac)}（资产 {owner[1]}）在{label}没有分配 IP，却使用了 {ip}"
                    + _ip_note(registered, mac)
                    + "。",
                    asset_id=owner[0],
                    assignment_id=registered[0] if registered else None,
                )
            )
            continue
        if any(assigned_ip == ip for _, assigned_ip, _, _ in own):
            continue  # matches the register
        assigned_ips = "、".join(assigned_ip for _, assigned_ip, _, _ in own)
        items.append(
            _item(
                Kind.IP_MISMATCH,
                observation,
                f"MAC {mac_text(mac)}（资产 {own[0][3] or '（无）'}）登记的 IP 为 {assigned_ips}，实际使用 {ip}"
                + _ip_note(registered, mac)
                + "。",
                asset_id=own[0][2],
                assignment_id=own[0][0],
            )
        )

    for mac, observations in unregistered.items():
        observations.sort(key=lambda o: (o.seen_at is not None, o.seen_at or datetime.min, o.ip))
        latest = observations[-1]
        registered = register.by_ip.get(latest.ip)
        others = [o.ip for o in observations[:-1]]
        text = f"MAC {mac_text(mac)} 未在台账登记，出现在 {latest.ip}"
        if others:
            text += f"（另见于 {'、'.join(others[:10])}{'等' if len(others) > 10 else ''}）"
        text += _ip_note(registered, mac) + "。"
        items.append(
            _item(
                Kind.UNREGISTERED_MAC,
                latest,
                text,
                assignment_id=registered[0] if registered else None,
            )
        )

    seen_ips = by_ip_seen.keys()
    for ip, (pk, mac, asset_id, number) in register.by_ip.items():
        if mac and mac not in seen_macs and ip not in seen_ips:
            items.append(
                ReconciliationItem(
                    kind=Kind.NOT_SEEN,
                    ip=ip,
                    mac=mac,
                    detail=_detail(
                        f"资产 {number or '（无）'} 登记的 {ip}（MAC {mac_text(mac)}）未出现在扫描结果中。"
                    ),
                    assignment_id=pk,
                    asset_id=asset_id,
                )
            )
    if progress:
        progress(len(rows))
    return items


def _item(kind, observation, detail, asset_id=None, assignment_id=None):
    return ReconciliationItem(
        kind=kind,
        ip=observation.ip,
        mac=observation.mac,
        hostname=observation.hostname[:100],
        seen_at=observation.seen_at,
        detail=_detail(detail),
        asset_id=asset_id,
        assignment_id=assignment_id,
    )


def _asset_of(register, mac):
    owner = register.mac_assets.get(mac)
    if owner:
        return owner[0]
    own = register.by_mac.get(mac)
    return own[0][2] if own else None


def _owner_note(register, mac):
    owner = register.mac_assets.get(mac)
    if owner:
        return f"（MAC {mac_text(mac)} 属于资产 {owner[1]}）"
    own = register.by_mac.get(mac)
    if own:
        return f"（MAC {mac_text(mac)} 属于资产 {own[0][3] or '（无）'}）"
    return f"（MAC {mac_text(mac)} 未登记）"


def _ip_note(registered, mac):
    if registered is None:
        return "；该 IP 在台账中未分配"
    pk, registered_mac, asset_id, number = registered
    if registered_mac and registered_mac != mac:
        return f"；该 IP 登记给资产 {number or '（无）'} 的 {mac_text(registered_mac)}"
    if not registered_mac:
        return f"；该 IP 已分配给资产 {number or '（无）'}，未登记 MAC"
    return ""


# --- a run: upload, compare, resolve, sign off ------------------------------------------------------


def month_start(day):
    return day.replace(day=1)


def next_month(month):
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def reconciliation_department():
    code = getattr(settings, "ASSETS_RECONCILIATION_DEPARTMENT", "XXZX")
    return Department.objects.filter(code=code).first()


def _set_history_user(obj, by, reason):
    obj._change_reason = reason
    if by is not None:
        obj._history_user = by


@transaction.atomic
def start_reconciliation(
    *,
    zone,
    by,
    source=Reconciliation.Source.OTHER,
    upload=None,
    rows=None,
    month=None,
    department=None,
    inline=None,
):
    """Validate the scan whole (``ScanRejected`` when any row is bad: nothing is written), record
    the run, and compare it now (small scans) or as a long job in the worker (``JOB_KIND``).
    ``upload`` is an uploaded CSV file, ``rows`` JSON rows."""
    if zone not in NetworkZone.values:
        raise ValidationError({"zone": "请选择网络区域。"})
    if (upload is None) == (rows is None):
        raise ValidationError({"scan": "请上传扫描文件或提交扫描记录。"})
    if upload is not None:
        try:
            check_upload(upload, SCAN_TYPES)
        except ValidationError as error:
            raise ValidationError({"scan": error.messages}) from None
        raw = upload.read()
        parsed = parse_csv(raw)
        name = getattr(upload, "name", "scan.csv") or "scan.csv"
        content = ContentFile(raw, name=name)
    else:
        parsed = parse_rows(rows)
        content = ContentFile(rows_as_csv(parsed.rows), name="scan.csv")
    department = department or reconciliation_department()
    if department is None:
        raise ValidationError({"department": "未找到负责核查的部门（ASSETS_RECONCILIATION_DEPARTMENT）。"})
    run = Reconciliation(
        month=month_start(month or timezone.localdate()),
        zone=zone,
        source=source,
        department=department,
        uploaded_by=by,
        total_rows=len(parsed.rows),
    )
    run.scan_file.save(content.name, content, save=False)
    _set_history_user(run, by, "上传扫描结果")
    run.save()
    run.skipped_rows = parsed.skipped
    if inline if inline is not None else len(parsed.rows) <= INLINE_ROWS:
        jobs.run_inline(JOB_KIND, run, by=by, total=len(parsed.rows))
        run.refresh_from_db()
    else:
        jobs.start(JOB_KIND, run, by=by, total=len(parsed.rows))
    return run


JOB_KIND = "assets.reconciliation"


def run_comparison(job, run, rows=None):
    """The job's work (DESIGN.md §9): compare the run's scan (``rows``, else its stored file) with
    the register and store the items. Re-running (a re-queued job) replaces the items; progress
    is written outside the transaction so the page sees it."""
    if run.state != Reconciliation.State.PENDING:
        return run.get_state_display()
    if rows is None:
        run.scan_file.open("rb")
        try:
            rows = parse_csv(run.scan_file.read()).rows
        finally:
            run.scan_file.close()
    jobs.progress(job, 0, len(rows), "正在比对")
    items = compare(run.zone, rows, progress=lambda count: jobs.progress(job, count, message="正在比对"))
    with transaction.atomic():
        locked = Reconciliation.objects.select_for_update().get(pk=run.pk)
        if locked.state != Reconciliation.State.PENDING:
            return locked
        locked.items.all().delete()
        for item in items:
            item.reconciliation_id = run.pk
        bulk_create_with_history(
            items,
            ReconciliationItem,
            batch_size=ITEM_BATCH,
            default_user=run.uploaded_by,
            default_change_reason="核查比对发现",
        )
        locked.state = Reconciliation.State.OPEN
        locked.total_rows = len(rows)
        _set_history_user(locked, run.uploaded_by, f"比对完成：发现差异 {len(items)} 条")
        locked.save()
    return f"发现差异 {len(items)} 条"


def comparison_failed(run, message, error):
    """The job failed: the run is 处理出错 with the reason rather than pending for ever."""
    run.refresh_from_db()
    if run.state != Reconciliation.State.PENDING:
        return
    run.state = Reconciliation.State.ERROR
    run.error_message = (f"比对出错：{error}" if error else message)[:2000]
    run._change_reason = "比对出错"
    run.save()


def can_resolve(user, run):
    return Reconciliation.objects.visible_to(user, "change").filter(pk=run.pk).exists()


ALLOWED_RESOLUTIONS = {
    Kind.UNREGISTERED_MAC: (Resolution.REGISTERED, Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.NOT_SEEN: (Resolution.UPDATED, Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.IP_MISMATCH: (Resolution.UPDATED, Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.DUPLICATE_IP: (Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.WRONG_SUBNET: (Resolution.EXPLAINED, Resolution.INCIDENT),
}


def _check_open(item, by, resolution):
    run = item.reconciliation
    if not can_resolve(by, run):
        raise PermissionDenied("您没有权限处理该核查的差异。")
    if run.state != Reconciliation.State.OPEN:
        raise ValidationError({"resolution": f"该核查{run.get_state_display()}，不能再处理差异。"})
    if item.resolution != Resolution.OPEN:
        raise ValidationError({"resolution": f"该差异已处理（{item.get_resolution_display()}）。"})
    if resolution not in ALLOWED_RESOLUTIONS[item.kind]:
        allowed = "、".join(Resolution(r).label for r in ALLOWED_RESOLUTIONS[item.kind])
        raise ValidationError({"resolution": f"“{item.get_kind_display()}”只能处理为：{allowed}。"})


def _close(item, resolution, by, note, reason):
    item.resolution = resolution
    item.resolution_note = note
    item.resolved_by = by
    item.resolved_at = timezone.now()
    _set_history_user(item, by, reason)
    item.save()
    return item


def find_asset(user, number):
    number = (number or "").strip()
    if not number:
        return None
    return Asset.objects.visible_to(user, "change").filter(number=number).first()


@transaction.atomic
def resolve_register(item, *, by, asset=None, new_asset=None, note=""):
    """登记: the unregistered MAC becomes the asset's (existing, or created from ``new_asset``
    fields), with the seen IP assigned to it (through ``assign_ip``: every register rule applies)."""
    from . import services

    _check_open(item, by, Resolution.REGISTERED)
    if asset is None and new_asset:
        from szmz_security.org.access import creatable_departments

        asset = Asset(**new_asset)
        if not creatable_departments(by, Asset).filter(pk=asset.department_id).exists():
            raise ValidationError({"new_department": "您不能为该部门登记资产。"})
        try:
            asset.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    f"new_{key}" if key != "__all__" else "asset": value
                    for key, value in error.message_dict.items()
                }
            ) from None
        _set_history_user(asset, by, f"IP/MAC 核查登记：{item.reconciliation}")
        asset.save()
    if asset is None:
        raise ValidationError({"asset": "请选择或新建要登记到的资产。"})
    run = item.reconciliation
    existing = IPAssignment.objects.filter(zone=run.zone, ip=item.ip).first()
    if existing is not None and not existing.mac and existing.asset_id in (None, asset.pk):
        assignment = services.update_assignment(
            existing, by=by, mac=item.mac, asset=asset, hostname=existing.hostname or item.hostname
        )
    else:
        assignment = services.assign_ip(
            ip=item.ip,
            zone=run.zone,
            mac=item.mac,
            asset=asset,
            hostname=item.hostname,
            by=by,
            note=f"IP/MAC 核查登记（{run.month:%Y年%m月}）",
        )
    item.asset = asset
    item.assignment = assignment
    return _close(
        item,
        Resolution.REGISTERED,
        by,
        note.strip() or f"登记到资产 {asset.number}",
        f"处理差异：登记到资产 {asset.number}",
    )


@transaction.atomic
def resolve_update(item, *, by, note=""):
    """更新台账: the register follows what was seen. A MAC on another IP: its assignment moves to
    the seen IP (a MAC with no assignment in the zone gets one); a device not seen: its
    assignment is released."""
    from . import services

    _check_open(item, by, Resolution.UPDATED)
    run = item.reconciliation
    if item.kind == Kind.NOT_SEEN:
        assignment = IPAssignment.objects.filter(zone=run.zone, ip=item.ip, mac=item.mac).first()
        if assignment is not None:
            services.delete_assignment(assignment, by=by, reason=f"IP/MAC 核查：设备未出现，收回 {item.ip}")
        text = note.strip() or f"已收回 {item.ip}"
        item.assignment = None
    else:
        assignment = IPAssignment.objects.filter(zone=run.zone, mac=item.mac).order_by("pk").first()
        if assignment is not None:
            old_ip = assignment.ip
            assignment = services.update_assignment(
                assignment, by=by, ip=item.ip, reason=f"IP/MAC 核查：由 {old_ip} 改为实际使用的 {item.ip}"
            )
            text = note.strip() or f"分配由 {old_ip} 改为 {item.ip}"
        else:
            registered = MacAddress.objects.filter(mac=item.mac).select_related("asset").first()
            if registered is None:
                raise ValidationError({"resolution": "该 MAC 未登记，请选择“登记”。"})
            assignment = services.assign_ip(
                ip=item.ip, zone=run.zone, mac=item.mac, asset=registered.asset, hostname=item.hostname, by=by
            )
            text = note.strip() or f"为资产 {registered.asset.number} 分配 {item.ip}"
        item.assignment = assignment
    return _close(item, Resolution.UPDATED, by, text, f"处理差异：更新台账（{text}）")


@transaction.atomic
def resolve_explain(item, *, by, note):
    _check_open(item, by, Resolution.EXPLAINED)
    if not (note or "").strip():
        raise ValidationError({"note": "请填写说明。"})
    return _close(item, Resolution.EXPLAINED, by, note.strip(), "处理差异：已说明")


INCIDENT_CATEGORY = {
    # An unregistered device or a hijacked address may be an intrusion; 其他事件 until assessed.
    Kind.DUPLICATE_IP: ("attack", "attack.other"),
}


@transaction.atomic
def resolve_incident(item, *, by, note="", subcategory=None):
    """转安全事件: files an incident (incidents.services.file_incident) and links it."""
    from incidents.categories import Category, category_of
    from incidents.models import Incident
    from incidents.services import file_incident

    _check_open(item, by, Resolution.INCIDENT)
    run = item.reconciliation
    if subcategory:
        category = category_of(subcategory)
        if category is None:
            raise ValidationError({"subcategory": "事件子类无效。"})
    else:
        category, subcategory = INCIDENT_CATEGORY.get(item.kind, (Category.OTHER, "other.other"))
    subject = " ".join(part for part in (item.ip, mac_text(item.mac)) if part)
    incident = Incident(
        title=f"IP/MAC 核查发现{item.get_kind_display()}：{subject}"[:200],
        description=f"{run}（{run.get_source_display()}）发现：{item.detail}"
        + (f"\n处理说明：{note.strip()}" if (note or "").strip() else ""),
        discovered_at=timezone.now(),
        department=run.department,
        place=zone_label(run.zone),
        affected_assets=item.asset.number if item.asset_id else "",
        category=category,
        subcategory=subcategory,
        reported_by=by,
    )
    file_incident(incident, by=by)
    item.incident = incident
    return _close(
        item,
        Resolution.INCIDENT,
        by,
        note.strip() or f"已转安全事件 #{incident.pk}",
        f"处理差异：转安全事件 #{incident.pk}",
    )


def resolve(item, resolution, *, by, **kwargs):
    handler = {
        Resolution.REGISTERED: resolve_register,
        Resolution.UPDATED: resolve_update,
        Resolution.EXPLAINED: resolve_explain,
        Resolution.INCIDENT: resolve_incident,
    }.get(resolution)
    if handler is None:
        raise ValidationError({"resolution": "请选择处理方式。"})
    return handler(item, by=by, **kwargs)


@transaction.atomic
def sign_off(run, *, by, note=""):
    """签核: only a run whose every item is resolved; meets the month's obligation for the zone
    (met late after its deadline)."""
    if not by.has_perm(SIGN_OFF_PERMISSION) or not can_resolve(by, run):
        raise PermissionDenied("您没有签核 IP/MAC 月度核查的权限。")
    run = Reconciliation.objects.select_for_update().get(pk=run.pk)
    if run.state == Reconciliation.State.SIGNED_OFF:
        raise ValidationError({"sign_off_note": "该核查已签核。"})
    if run.state != Reconciliation.State.OPEN:
        raise ValidationError({"sign_off_note": f"该核查{run.get_state_display()}，不能签核。"})
    open_count = run.items.filter(resolution=Resolution.OPEN).count()
    if open_count:
        raise ValidationError({"sign_off_note": f"尚有 {open_count} 条差异未处理，全部处理后方可签核。"})
    now = timezone.now()
    total = run.items.count()
    run.state = Reconciliation.State.SIGNED_OFF
    run.signed_off_by = by
    run.signed_off_at = now
    run.sign_off_note = (note or "").strip()
    obligation = ensure_obligation(run.zone, run.month)
    if obligation is not None:
        if obligation.is_open:
            meet(
                obligation,
                by=by,
                evidence=f"{run}已签核：扫描 {run.total_rows} 条，差异 {total} 条均已处理。"
                + (f" {run.sign_off_note}" if run.sign_off_note else ""),
                at=now,
            )
        run.obligation = obligation
    _set_history_user(run, by, "签核")
    run.save()
    return run


# --- the monthly obligation -------------------------------------------------------------------------


def obligation_kind(zone):
    return f"{OBLIGATION_KIND}.{zone}"


def obligation_due_at(month):
    """The last second of the month, local time."""
    end = datetime.combine(next_month(month), time.min) - timedelta(seconds=1)
    return timezone.make_aware(end, timezone.get_current_timezone())


def obligation_for(zone, month):
    return (
        Obligation.objects.filter(kind=obligation_kind(zone), due_at=obligation_due_at(month_start(month)))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def ensure_obligation(zone, month):
    """The obligation of ``zone`` for ``month``, created once (kind ``assets.reconciliation.<zone>``
    and the month's end as the key; the department row is locked so two beats cannot both create)."""
    month = month_start(month)
    department = reconciliation_department()
    if department is None:
        logger.warning(
            "assets: department %r not found, no reconciliation obligation for %s",
            getattr(settings, "ASSETS_RECONCILIATION_DEPARTMENT", "XXZX"),
            f"{month:%Y-%m}",
        )
        return None
    Department.objects.select_for_update().filter(pk=department.pk).first()
    existing = obligation_for(zone, month)
    if existing is not None:
        return existing
    return create_obligation(
        title=f"{month.year}年{month.month}月 {zone_label(zone)} IP/MAC 月度核查",
        kind=obligation_kind(zone),
        clause=OBLIGATION_CLAUSE,
        due_at=obligation_due_at(month),
        department=department,
        notify_roles=("security_officer",),
    )


def ensure_monthly_obligations(today=None):
    """Beat (hourly, idempotent): this month's obligation for every zone that has a subnet."""
    month = month_start(today or timezone.localdate())
    zones = Subnet.objects.order_by().values_list("zone", flat=True).distinct()
    return [obligation for zone in sorted(set(zones)) if (obligation := ensure_obligation(zone, month))]


__all__ = [
    "INLINE_ROWS",
    "ParsedScan",
    "Register",
    "ScanRejected",
    "ScanRow",
    "compare",
    "ensure_monthly_obligations",
    "ensure_obligation",
    "obligation_for",
    "parse_csv",
    "parse_rows",
    "resolve",
    "run_comparison",
    "sign_off",
    "start_reconciliation",
]
