"""The ``obligation`` evidence kind: obligations (deadlines) of given kinds, judged per period of
the item's frequency or per event (``periods.py``), as they stood at the instant evaluated."""

import datetime

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from szmz_security.obligations.models import Obligation

from .evidence import Ref, due_soon_days, fmt, register, start_of_day, with_visibility
from .periods import (
    PERIODIC,
    Event,
    Outcome,
    Period,
    event_result,
    next_period,
    period_result,
    period_start,
    period_starts,
    worst,
)


def _kind_matches(kind, prefix):
    return kind == prefix or kind.startswith(prefix + ".")


def _kind_q(prefixes):
    query = Q()
    for prefix in prefixes:
        query |= Q(kind=prefix) | Q(kind__startswith=prefix + ".")
    return query


def obligation_outcome(row, as_of):
    """How one obligation stood at ``as_of``: a completion or waiver after it does not count yet."""
    met_at, waived_at, due_at = row["met_at"], row["waived_at"], row["due_at"]
    if met_at is not None and met_at <= as_of and row["state"] in ("met", "met_late"):
        return Outcome.LATE if met_at > due_at else Outcome.ON_TIME
    if waived_at is not None and waived_at <= as_of and row["state"] == "waived":
        return Outcome.WAIVED
    return Outcome.MISSED if due_at <= as_of else Outcome.PENDING


@register("obligation")
def evaluate_obligations(items, ctx):
    """Obligations of the item's kinds (prefix match: ``assets.reconciliation`` covers
    ``assets.reconciliation.intranet``; ``exclude`` takes some out) due in the window, or still open at ``as_of``. One
    query for every item: the rows, as small dicts. A periodic item is judged per period (the
    period of each obligation's deadline; a period with none is missed once it has ended), a
    per-event item per obligation (``periods.py``)."""

    as_of = ctx.as_of
    prefixes = sorted({prefix for item in items for prefix in item.spec.get("kinds", [])})
    first_day = min(
        (
            period_start(ctx.since_date, item.spec["frequency"])
            for item in items
            if item.spec.get("frequency") in PERIODIC
        ),
        default=ctx.since_date,
    )
    window_start = start_of_day(min(first_day, ctx.since_date))
    open_at = Q(state=Obligation.State.OPEN) | Q(met_at__gt=as_of) | Q(waived_at__gt=as_of)
    base = Obligation.objects.filter(_kind_q(prefixes), created_at__lte=as_of).filter(
        Q(due_at__gte=window_start) | open_at
    )
    rows = list(
        base.order_by("due_at", "pk").values(
            "pk", "kind", "title", "due_at", "state", "met_at", "waived_at", "restricted"
        )
    )
    refs_by_kind = _obligation_refs(base, ctx) if ctx.with_refs else {}

    results = {}
    for item in items:
        spec = item.spec
        kinds, exclude = spec.get("kinds", []), spec.get("exclude", [])

        def matches(kind, kinds=kinds, exclude=exclude):
            return any(_kind_matches(kind, p) for p in kinds) and not any(
                _kind_matches(kind, x) for x in exclude
            )

        mine = [row for row in rows if matches(row["kind"])]
        refs = sorted(
            (ref for kind, kind_refs in refs_by_kind.items() for ref in kind_refs if matches(kind)),
            key=lambda ref: (ref.badge != "danger", -ref.date.timestamp()),
        )[: ctx.ref_limit]
        frequency = spec.get("frequency", "")
        if frequency in PERIODIC:
            results[item.key] = _obligation_periods(mine, frequency, spec, ctx, refs)
        else:
            since = ctx.since
            events = [
                Event(_obligation_title(row), obligation_outcome(row, as_of), row["due_at"])
                for row in mine
                if row["due_at"] >= since
                or obligation_outcome(row, as_of) in (Outcome.MISSED, Outcome.PENDING)
            ]
            soon = as_of + datetime.timedelta(days=due_soon_days(spec))
            results[item.key] = event_result(events, due_soon_until=soon, refs=refs, what="义务")
    return results


def _obligation_title(row):
    # Reasons are read by every compliance viewer: a restricted obligation is not named.
    return "（知悉范围受限的义务）" if row["restricted"] else f"{row['title']}（{fmt(row['due_at'])}）"


def _obligation_periods(rows, frequency, spec, ctx, refs):
    by_period = {}
    overdue_now = []
    for row in rows:
        outcome = obligation_outcome(row, ctx.as_of)
        if outcome == Outcome.MISSED:
            overdue_now.append(_obligation_title(row))
        start = period_start(timezone.localdate(row["due_at"]), frequency)
        by_period.setdefault(start, []).append(outcome)
    periods = []
    for start in period_starts(ctx.since_date, ctx.today, frequency):
        outcomes = by_period.get(start)
        if outcomes:
            outcome = worst(outcomes, Outcome.PENDING)
        else:
            ended = next_period(start, frequency) <= ctx.today
            outcome = Outcome.MISSED if ended else Outcome.PENDING
        periods.append(Period(start, frequency, outcome))
    return period_result(
        periods,
        frequency,
        ctx.today,
        due_soon_days=due_soon_days(spec),
        overdue_now=overdue_now,
        refs=refs,
        what="完成记录",
    )


def _obligation_refs(base, ctx):
    """The latest obligations of each kind (one query, ``ref_limit`` per kind), restricted ones
    masked unless the user may see them."""

    rows = list(
        with_visibility(base, Obligation, ctx)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("kind")], order_by=[F("due_at").desc(), F("pk").desc()])
        )
        .filter(rank__lte=ctx.ref_limit)
        .select_related("department")
    )
    hidden = {o.pk for o in rows if not o.compliance_visible}
    refs = {}
    for obligation in rows:
        overdue = obligation.due_at <= ctx.as_of and (
            obligation.is_open
            or (obligation.met_at and obligation.met_at > ctx.as_of)
            or (obligation.waived_at and obligation.waived_at > ctx.as_of)
        )
        if overdue:
            state, badge = "已逾期", "danger"
        elif obligation.met_at and obligation.met_at > ctx.as_of:
            state, badge = "待办", "primary"
        else:
            state, badge = obligation.display_state(ctx.as_of), obligation.state_badge(ctx.as_of)
        masked = obligation.pk in hidden
        refs.setdefault(obligation.kind, []).append(
            Ref(
                title="（知悉范围受限的义务）"
                if masked
                else f"{obligation.title}（{obligation.department}）",
                date=obligation.due_at,
                url="" if masked else obligation.get_absolute_url(),
                state=state,
                badge=badge,
                source="义务",
            )
        )
    return refs
