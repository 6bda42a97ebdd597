"""The monthly IP/MAC reconciliation (assets/reconciliation/) at the issue's scale.

Issue 4: "reconciliation of a 100,000-row scan against 100,000 registered assignments (seconds,
peak memory)". The module registers ``ASSIGNMENTS`` devices (asset, MAC, IP, bulk-inserted into
a zone of their own so the rest of the generated data is untouched) and builds a scan of the same
size with a realistic few percent of discrepancies: ~1% unregistered devices, ~1% devices on
another IP, ~0.3% addresses seen with two MACs, ~0.3% addresses outside the plan, ~1% registered
devices absent. It then measures, separately: reading the CSV (``parse_csv``), the comparison
in memory (``Register.load`` + ``compare``, with tracemalloc's peak), and the whole run as the
Celery task does it (compare + writing the items in batches). Its rows are removed afterwards.
``--scale`` scales the row counts (``--quick``: 10,000).
"""

import random
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.db import transaction

from assets.models import Asset, IPAssignment, MacAddress, Reconciliation, ReconciliationItem, Subnet
from assets.reconciliation import services as rec
from bench.common import Row
from szmz_security.core.choices import NetworkZone
from szmz_security.jobs import services as jobs
from szmz_security.org.models import Department

ORDER = 80
ASSIGNMENTS = 100_000
ZONE = NetworkZone.CLASSIFIED  # a zone the generated data does not use, so nothing else is compared
PREFIX = "BENCH-REC-"
BATCH = 5000


def mac_of(index, base=0x020000000000):
    value = base + index
    return ":".join(f"{value >> shift & 255:02x}" for shift in range(40, -1, -8))


def ip_of(index):
    # 10.200.0.0/15 holds 131,070 hosts: index 0 → 10.200.0.1
    value = (10 << 24) + (200 << 16) + 1 + index
    return ".".join(str(value >> shift & 255) for shift in (24, 16, 8, 0))


def cleanup():
    runs = Reconciliation.objects.filter(zone=ZONE)
    ReconciliationItem.history.model.objects.filter(reconciliation_id__in=runs.values("pk"))._raw_delete(
        "default"
    )
    ReconciliationItem.objects.filter(reconciliation__in=runs)._raw_delete("default")
    Reconciliation.history.model.objects.filter(zone=ZONE)._raw_delete("default")
    runs._raw_delete("default")
    IPAssignment.objects.filter(zone=ZONE)._raw_delete("default")
    MacAddress.objects.filter(asset__number__startswith=PREFIX)._raw_delete("default")
    Asset.objects.filter(number__startswith=PREFIX)._raw_delete("default")
    Subnet.objects.filter(zone=ZONE, name__startswith=PREFIX)._raw_delete("default")


def register(count, department):
    subnet = Subnet.objects.create(
        name=f"{PREFIX}subnet", cidr="10.200.0.0/15", zone=ZONE, department=department
    )
    for start in range(0, count, BATCH):
        indexes = range(start, min(count, start + BATCH))
        assets = Asset.objects.bulk_create(
            [
                Asset(
                    number=f"{PREFIX}{i:06d}",
                    type=Asset.Type.DESKTOP,
                    name="基准测试终端",
                    department=department,
                    zone=ZONE,
                    secrecy="secret",
                    wireless_removed=True,
                )
                for i in indexes
            ]
        )
        if not all(asset.pk for asset in assets):  # SQLite before 3.35 returns no ids
            assets = list(
                Asset.objects.filter(number__in=[f"{PREFIX}{i:06d}" for i in indexes]).order_by("number")
            )
        MacAddress.objects.bulk_create(
            [
                MacAddress(mac=mac_of(i), asset=asset, department=department)
                for i, asset in zip(indexes, assets, strict=True)
            ]
        )
        IPAssignment.objects.bulk_create(
            [
                IPAssignment(
                    ip=ip_of(i), zone=ZONE, subnet=subnet, mac=mac_of(i), asset=asset, department=department
                )
                for i, asset in zip(indexes, assets, strict=True)
            ]
        )


def scan_csv(count, seed=20261105):
    """(CSV bytes, rows): the register as seen, with the discrepancies described above."""
    rng = random.Random(seed)
    lines = ["IP Address,MAC Address,Hostname,Last Seen"]
    absent = set(rng.sample(range(count), count // 100))
    moved = {i: k for k, i in enumerate(sorted(set(rng.sample(range(count), count // 100)) - absent))}
    for i in range(count):
        if i in absent:
            continue
        ip = ip_of(count + 1000 + moved[i]) if i in moved else ip_of(i)
        lines.append(f"{ip},{mac_of(i).upper().replace(':', '-')},pc-{i},2026-11-05 09:00")
    for j in range(count // 100):  # unregistered devices inside the plan
        lines.append(f"{ip_of(count + 25_000 + j)},{mac_of(j, base=0x0A0000000000)},,2026-11-05 09:10")
    for j in range(count * 3 // 1000):  # a second MAC on a registered address
        lines.append(f"{ip_of(rng.randrange(count))},{mac_of(j, base=0x0E0000000000)},,2026-11-05 09:20")
    for j in range(count * 3 // 1000):  # outside every subnet of the zone
        lines.append(
            f"192.168.{j // 250 % 256}.{j % 250 + 1},{mac_of(j, base=0x060000000000)},,2026-11-05 09:30"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(ctx):
    count = max(1000, int(ASSIGNMENTS * ctx.scale))
    department = Department.objects.filter(is_active=True).order_by("pk").first()
    officer = get_user_model().objects.filter(is_superuser=False).order_by("pk").first()
    cleanup()
    started = time.perf_counter()
    with transaction.atomic():
        register(count, department)
    register_seconds = time.perf_counter() - started
    try:
        raw = scan_csv(count)
        started = time.perf_counter()
        parsed = rec.parse_csv(raw)
        parse_seconds = time.perf_counter() - started

        started = time.perf_counter()
        register_map = rec.Register.load(ZONE)
        load_seconds = time.perf_counter() - started
        items = rec.compare(ZONE, parsed.rows, register=register_map)
        compare_seconds = time.perf_counter() - started
        del register_map
        # Again under tracemalloc, for the peak only (tracing makes it about twice as slow).
        tracemalloc.start()
        rec.compare(ZONE, parsed.rows)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        by_kind = {}
        for item in items:
            by_kind[item.kind] = by_kind.get(item.kind, 0) + 1

        run_record = Reconciliation.objects.create(
            month=rec.month_start(rec.timezone.localdate()),
            zone=ZONE,
            department=department,
            uploaded_by=officer,
            total_rows=len(parsed.rows),
        )
        started = time.perf_counter()
        job = jobs.claim(jobs.create(rec.JOB_KIND, run_record, by=officer, total=len(parsed.rows)).pk)
        rec.run_comparison(job, run_record, rows=parsed.rows)
        task_seconds = time.perf_counter() - started
        stored = run_record.items.count()
    finally:
        cleanup()

    rows = [
        Row("registered assignments (and MACs)", count, "rows"),
        Row("registering them (bulk_create)", register_seconds, "s"),
        Row("scan rows", len(parsed.rows), "rows"),
        Row("reading the scan CSV (parse + validate every row)", parse_seconds, "s"),
        Row("loading the register (values_list into dicts)", load_seconds, "s"),
        Row("comparison incl. loading the register", compare_seconds, "s"),
        Row("comparison peak memory (tracemalloc)", peak / 1024 / 1024, "MiB"),
        Row("whole run as the task does it (compare + write items)", task_seconds, "s"),
        Row("items found", len(items), "items"),
        Row("items stored", stored, "items"),
    ]
    rows += [
        Row(f"  of which {ReconciliationItem.Kind(kind).label}", n, "items")
        for kind, n in sorted(by_kind.items())
    ]
    return rows
