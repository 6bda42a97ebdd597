"""Benchmark data for the media ledger (bench/bench_media.py): ``count`` media in one department,
a few classified (restricted), some checked out with an open return obligation."""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from szmz_security.obligations.models import Obligation

from .ledger.models import format_number
from .models import Checkout, Medium
from .movements.services import RETURN_CLAUSE, RETURN_KIND

LEVELS = ["public", "internal", "internal", "internal", "secret", "confidential"]
TYPES = list(Medium.TYPE_CODES)


def generate_media(department, custodians, count=20_000, *, checked_out=500, seed=2026):
    rng = random.Random(seed)
    today = timezone.localdate()
    media = []
    for index in range(count):
        level = rng.choice(LEVELS)
        kind = rng.choice(TYPES)
        classified = level in ("secret", "confidential")
        media.append(
            Medium(
                number=format_number("G" + Medium.TYPE_CODES[kind], today.year, index + 1),
                type=kind,
                brand=rng.choice(["金士顿", "闪迪", "希捷", "东芝", "朗科"]),
                serial=f"GEN{index:07d}",
                capacity=rng.choice(["16GB", "64GB", "1TB"]),
                secrecy_level=level,
                protection_years=10 if classified else None,
                zone="classified" if classified else rng.choice(["gov_intranet", "gov_extranet"]),
                custodian=rng.choice(custodians),
                department=department,
                restricted=classified,
                registered_on=today - timedelta(days=rng.randrange(0, 1500)),
            )
        )
    bulk_create_with_history(media, Medium, batch_size=2000)
    media = list(Medium.objects.filter(department=department, restricted=False).order_by("?")[:checked_out])
    now = timezone.now()
    checkouts = [
        Checkout(
            medium=medium,
            requester=rng.choice(custodians),
            purpose="基准测试",
            zone=medium.zone,
            expected_return_at=now + timedelta(days=rng.randrange(-5, 10)),
            state=Checkout.State.CHECKED_OUT,
            handed_out_at=now - timedelta(days=3),
        )
        for medium in media
    ]
    checkouts = Checkout.objects.bulk_create(checkouts)
    checkout_type = ContentType.objects.get_for_model(Checkout)
    obligations = Obligation.objects.bulk_create(
        [
            Obligation(
                title=f"归还移动介质 {checkout.medium.number}",
                kind=RETURN_KIND,
                clause=RETURN_CLAUSE,
                due_at=checkout.expected_return_at,
                department=department,
                subject_type=checkout_type,
                subject_id=checkout.pk,
                assignee=checkout.requester,
                created_at=now - timedelta(days=3),
            )
            for checkout in checkouts
        ]
    )
    for checkout, obligation in zip(checkouts, obligations, strict=True):
        checkout.obligation = obligation
    Checkout.objects.bulk_update(checkouts, ["obligation"])
    Medium.objects.filter(pk__in=[m.pk for m in media]).update(status=Medium.Status.CHECKED_OUT)
    return count
