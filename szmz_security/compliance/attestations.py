"""The ``attestation`` evidence kind: an officer's statement about a clause software cannot see,
judged per period of the item's frequency like any periodic record (``periods.py``)."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from szmz_security.org.models import display_name

from .evidence import Ref, due_soon_days, record_periods, register, start_of_day
from .models import Attestation, Frequency
from .periods import PERIODIC, period_last_day, period_result, period_start


@register("attestation")
def evaluate_attestations(items, ctx):
    """Manual attestation, judged per period of its ``frequency`` (yearly by default): an
    attestation covers the period it was made in (never longer: ``attestation_valid_until``),
    so a period without one is missed once it has ended. One query for the window's
    attestations of every clause, one more for the latest few when asked."""

    clause_ids = {item.clause.pk for item in items}
    first_day = min(period_start(ctx.since_date, attestation_frequency(item.spec)) for item in items)
    made = {}
    for clause_id, at in Attestation.objects.filter(
        clause_id__in=clause_ids, at__lte=ctx.as_of, at__gte=start_of_day(first_day)
    ).values_list("clause_id", "at"):
        made.setdefault(clause_id, []).append(timezone.localdate(at))
    refs_by_clause = {}
    if ctx.with_refs:
        rows = (
            Attestation.objects.filter(clause_id__in=clause_ids, at__lte=ctx.as_of)
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=[F("clause_id")], order_by=[F("at").desc(), F("pk").desc()]
                )
            )
            .filter(rank__lte=ctx.ref_limit)
            .select_related("by__profile")
            .order_by("clause_id", "rank")
        )
        for a in rows:
            refs_by_clause.setdefault(a.clause_id, []).append(
                Ref(
                    title=f"{display_name(a.by)}：{a.note[:60]}",
                    date=a.at,
                    url=a.get_absolute_url(),
                    state=f"有效期至 {a.valid_until:%Y-%m-%d}",
                    badge="success" if a.valid_until >= ctx.today else "secondary",
                    source="人工确认",
                )
            )
    results = {}
    for item in items:
        frequency = attestation_frequency(item.spec)
        done = {period_start(day, frequency) for day in made.get(item.clause.pk, [])}
        results[item.key] = period_result(
            record_periods(done, frequency, ctx),
            frequency,
            ctx.today,
            due_soon_days=due_soon_days({**item.spec, "frequency": frequency}),
            refs=refs_by_clause.get(item.clause.pk, []),
            what="人工确认",
        )
    return results


def attestation_frequency(spec):
    frequency = spec.get("frequency", "")
    return frequency if frequency in PERIODIC else Frequency.YEARLY


def attestation_valid_until(frequency, day):
    """An attestation made on ``day`` is valid to the end of that period of its clause's
    frequency (yearly when it has none), never longer."""
    return period_last_day(day, frequency if frequency in PERIODIC else Frequency.YEARLY)
