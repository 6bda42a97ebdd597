"""Synthetic assets for the benchmarks (``bench/bench_assets.py``): ``total`` assets spread over
every department, written with plain ``bulk_create`` in chunks (fast; the register's own writes
record history). Numbers start with ``GEN-``; the choices come from a seeded generator."""

import datetime as dt
import random

from django.utils import timezone

from szmz_security.core.choices import NetworkZone, Secrecy
from szmz_security.core.generate.common import insert_in_chunks, members_by_department
from szmz_security.org.models import Department

from .models import Asset

NUMBER_PREFIX = "GEN-"
TYPES = [
    (Asset.Type.DESKTOP, 55),
    (Asset.Type.LAPTOP, 15),
    (Asset.Type.PRINTER, 10),
    (Asset.Type.SERVER, 6),
    (Asset.Type.NETWORK, 5),
    (Asset.Type.SECURITY, 2),
    (Asset.Type.STORAGE, 2),
    (Asset.Type.SYSTEM, 5),
]
ZONES = [(NetworkZone.GOV_INTRANET, 70), (NetworkZone.GOV_EXTRANET, 25), (NetworkZone.INTERNET, 5)]


def _pick(rng, weighted):
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def generate_assets(total, *, seed=2026, chunk=5000, start=0):
    """Write ``total`` assets; returns how many were written."""
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    departments = list(Department.objects.order_by("pk"))
    members = members_by_department(departments)

    def assets():
        for index in range(start, start + total):
            department = departments[index % len(departments)]
            kind = _pick(rng, TYPES)
            classified = kind in Asset.COMPUTER_TYPES and rng.random() < 0.02
            zone = NetworkZone.STANDALONE if classified else _pick(rng, ZONES)
            people = members.get(department.pk) or [None]
            yield Asset(
                number=f"{NUMBER_PREFIX}{index:07d}",
                type=kind,
                name=f"{Asset.Type(kind).label}{index}",
                model_number=rng.choice(["ThinkCentre M920", "OptiPlex 7090", "HP LaserJet", "H3C S5560"]),
                serial=f"SN{rng.randrange(10**9):09d}",
                department_id=department.pk,
                custodian_id=rng.choice(people),
                location=f"{rng.randint(1, 12)}楼 {rng.randint(1, 30):02d}室",
                zone=zone,
                secrecy=Secrecy.SECRET if classified else Secrecy.NONE,
                wireless_removed=classified,
                data_grade=_pick(rng, [("core", 1), ("important", 2), ("general", 3), ("", 1)])
                if kind == Asset.Type.SYSTEM
                else "",
                status=_pick(
                    rng,
                    [
                        (Asset.Status.IN_USE, 85),
                        (Asset.Status.IDLE, 8),
                        (Asset.Status.REPAIR, 4),
                        (Asset.Status.SCRAPPED, 3),
                    ],
                ),
                purchase_date=today - dt.timedelta(days=rng.randint(30, 3000)),
                antivirus_product="终端安全管理系统" if kind in Asset.COMPUTER_TYPES else "",
                antivirus_updated_on=today - dt.timedelta(days=rng.randint(0, 60))
                if kind in Asset.COMPUTER_TYPES
                else None,
                created_at=now,
            )

    return insert_in_chunks(Asset, assets(), chunk)
