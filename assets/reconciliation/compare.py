"""Comparing a scan with the register (7 §1).

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
import ipaddress
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from szmz_security.core.choices import NetworkZone

from ..network.models import IPAssignment, MacAddress, Subnet
from .models import ReconciliationItem

Kind = ReconciliationItem.Kind

PROGRESS_EVERY = 5000


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
