"""Evidence kinds: how a clause's evidence item is evaluated (DESIGN.md §6).

``EVIDENCE_KINDS`` maps a kind name (the ``kind`` of an ``[[clauses.evidence]]`` item in a
framework file) to an evaluator. An evaluator is called ONCE per evaluation with every item of
its kind (of every clause evaluated), so it groups its work into a fixed number of queries — one
aggregate per evidence source — whatever the number of rows or clauses:

    @register("training")
    def evaluate_training(items, ctx):
        # items: list of Item(key, spec, clause); return {item.key: Result(...)}
        ...

Another app registers its own kinds from its ``AppConfig.ready()`` (e.g. the audits app:
quarterly reviews, training), importing ``register`` from here. A kind nobody registered, a model
label that does not resolve (``apps.get_model``) or a field that does not exist evaluates to
“no evidence” with the reason, never to an error.

A periodic or per-event evaluator turns its records into per-period / per-event outcomes and
leaves the status to ``periods.period_result`` / ``periods.event_result``: the rules an inspector
signs (met only if every due period was met on time, 未按期 for a late or missed one, 本期无事件
without events) live there only. An item with ``precondition = true`` (a setting) is shown beside
the status and never makes a clause met (``services.combine``).
"""

import datetime
import json
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Value, Window
from django.db.models.functions import RowNumber, Trunc
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Frequency
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


class Status(StrEnum):
    MET = "met"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    LATE = "late"
    NO_EVIDENCE = "no_evidence"
    NO_EVENTS = "no_events"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self):
        return STATUS_LABELS[self]

    @property
    def badge(self):
        return STATUS_BADGES[self]


STATUS_LABELS = {
    Status.MET: "已满足",
    Status.DUE_SOON: "即将到期",
    Status.OVERDUE: "已逾期",
    Status.LATE: "未按期",
    Status.NO_EVIDENCE: "无证据",
    Status.NO_EVENTS: "本期无事件",
    Status.NOT_APPLICABLE: "不适用",
}
STATUS_BADGES = {
    Status.MET: "success",
    Status.DUE_SOON: "warning",
    Status.OVERDUE: "danger",
    Status.LATE: "danger",
    Status.NO_EVIDENCE: "secondary",
    Status.NO_EVENTS: "info",
    Status.NOT_APPLICABLE: "light",
}
STATUS_ORDER = [
    Status.OVERDUE,
    Status.LATE,
    Status.DUE_SOON,
    Status.NO_EVIDENCE,
    Status.MET,
    Status.NO_EVENTS,
    Status.NOT_APPLICABLE,
]
# Worst first, for combining a clause's items: one overdue item makes the clause overdue, one
# late item makes it 未按期; an item with no event in the window does not spoil a met one.
SEVERITY = {
    Status.OVERDUE: 5,
    Status.LATE: 4,
    Status.NO_EVIDENCE: 3,
    Status.DUE_SOON: 2,
    Status.MET: 1,
    Status.NO_EVENTS: 0,
}

# How close a period's end (or an open obligation's deadline) must be to count as “due soon”,
# by frequency; an item may set ``due_soon_days`` itself.
DUE_SOON_DAYS = {
    Frequency.DAILY: 0,
    Frequency.WEEKLY: 1,
    Frequency.MONTHLY: 7,
    Frequency.QUARTERLY: 14,
    Frequency.YEARLY: 30,
}


@dataclass
class Ref:
    """One evidence record: an obligation, a record, an attestation."""

    title: str
    date: datetime.date | datetime.datetime | None = None
    url: str = ""
    state: str = ""
    badge: str = "secondary"
    source: str = ""


@dataclass
class Result:
    status: Status
    reason: str
    refs: list = field(default_factory=list)
    label: str = ""
    empty: bool = False  # nothing at all in the window
    coverage: str = ""  # per period / per event: "4 个季度中 3 个按期完成，1 个逾期完成"
    precondition: bool = False  # a setting shown beside the status, never evidence by itself


@dataclass(frozen=True)
class Item:
    key: tuple  # (clause pk, index of the item in the clause's evidence list)
    spec: dict
    clause: object


@dataclass
class Context:
    as_of: datetime.datetime
    since: datetime.datetime
    user: object = None
    with_refs: bool = False
    ref_limit: int = 10

    @property
    def today(self):
        return timezone.localdate(self.as_of)

    @property
    def since_date(self):
        return timezone.localdate(self.since)


EVIDENCE_KINDS = {}


def register(kind):
    """Register ``fn(items, ctx) -> {item.key: Result}`` as the evaluator of ``kind``."""

    def decorator(fn):
        EVIDENCE_KINDS[kind] = fn
        return fn

    return decorator


def due_soon_days(spec):
    if "due_soon_days" in spec:
        return spec["due_soon_days"]
    if spec.get("frequency") in DUE_SOON_DAYS:
        return DUE_SOON_DAYS[spec["frequency"]]
    return settings.OBLIGATION_DUE_SOON_HOURS / 24


def fmt(value):
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def evaluate_items(items, ctx):
    """Every item, by kind, each kind's evaluator called once."""
    by_kind = {}
    for item in items:
        by_kind.setdefault(item.spec.get("kind"), []).append(item)
    results = {}
    for kind, kind_items in by_kind.items():
        evaluator = EVIDENCE_KINDS.get(kind)
        if evaluator is None:
            for item in kind_items:
                results[item.key] = Result(
                    Status.NO_EVIDENCE, f"证据类型“{kind}”尚未由相关模块提供，暂无法自动核查。"
                )
            continue
        results.update(evaluator(kind_items, ctx))
    for item in items:
        # An evaluator may hand the same Result to several items: each gets its own copy.
        results[item.key] = replace(results[item.key], refs=list(results[item.key].refs))
        results[item.key].label = results[item.key].label or item.spec.get("label", "")
        results[item.key].precondition = bool(item.spec.get("precondition"))
    return results


# --- obligations -------------------------------------------------------------------------------------


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
    from szmz_security.obligations.models import Obligation

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


def start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _obligation_refs(base, ctx):
    """The latest obligations of each kind (one query, ``ref_limit`` per kind), restricted ones
    masked unless the user may see them."""
    from szmz_security.obligations.models import Obligation

    rows = list(
        _with_visibility(base, Obligation, ctx)
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


# --- records -----------------------------------------------------------------------------------------


def resolve_model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _record_source(spec):
    return (
        spec.get("model", ""),
        spec.get("date_field", ""),
        json.dumps(spec.get("filter", {}), sort_keys=True),
        spec.get("frequency", ""),
        spec.get("done_field", ""),
    )


@register("records")
def evaluate_records(items, ctx):
    """Records of a model (``model`` label, ``date_field``, optional ``filter``). A periodic
    item expects one per period of ``frequency``, judged per period (``periods.py``): a period
    with a record is met on time, an ended one without is missed, the current one without is
    not yet due; with ``done_field`` (when the record was completed, e.g. signed off) a record
    completed after its period ended is late. A per-event item is met by the records of the window, 本期无事件 without any.
    One aggregate query per distinct source, one more for its latest records when asked."""
    by_source = {}
    for item in items:
        by_source.setdefault(_record_source(item.spec), []).append(item)
    results = {}
    for source_items in by_source.values():
        outcome = _evaluate_record_source(source_items[0].spec, ctx)
        for item in source_items:
            results[item.key] = outcome
    return results


def _evaluate_record_source(spec, ctx):
    label = spec.get("model", "")
    model = resolve_model(label)
    if model is None:
        return Result(Status.NO_EVIDENCE, f"数据模型 {label} 尚未启用（相关模块尚未上线），暂无证据。")
    try:
        date_field = model._meta.get_field(spec.get("date_field", ""))
    except FieldDoesNotExist:
        return Result(Status.NO_EVIDENCE, f"数据模型 {label} 没有字段 {spec.get('date_field')!r}，无法核查。")
    name = date_field.name
    frequency = spec.get("frequency", Frequency.PER_EVENT)
    verbose = model._meta.verbose_name
    # A periodic item looks back to the start of the period the window starts in.
    first_day = period_start(ctx.since_date, frequency) if frequency in PERIODIC else ctx.since_date
    queryset = model._default_manager.filter(**spec.get("filter", {}))
    if isinstance(date_field, models.DateTimeField):
        window = queryset.filter(**{f"{name}__lte": ctx.as_of, f"{name}__gte": start_of_day(first_day)})
    else:
        window = queryset.filter(**{f"{name}__lte": ctx.today, f"{name}__gte": first_day})
    refs = _record_refs(model, window, name, spec, ctx) if ctx.with_refs else []

    if frequency not in PERIODIC:
        summary = window.order_by().aggregate(n=Count("pk"), last=Max(name))
        if not summary["n"]:
            return Result(Status.NO_EVENTS, f"评估期内无{verbose}。", refs, empty=True)
        return Result(
            Status.MET, f"评估期内 {summary['n']} 条{verbose}，最近一条 {fmt(summary['last'])}。", refs
        )

    if spec.get("done_field"):
        done, late = _records_done(model, window, name, spec["done_field"], frequency, ctx)
        if done is None:
            return Result(Status.NO_EVIDENCE, f"数据模型 {label} 没有字段 {spec['done_field']!r}，无法核查。")
    else:
        trunc = Trunc(name, TRUNC_KIND[frequency], output_field=models.DateField())
        done = {
            _as_date(row["period"])
            for row in window.order_by().annotate(period=trunc).values("period").annotate(n=Count("pk"))
        }
        late = set()
    return period_result(
        record_periods(done, frequency, ctx, late=late),
        frequency,
        ctx.today,
        due_soon_days=due_soon_days(spec),
        refs=refs,
        what=verbose,
    )


TRUNC_KIND = {
    Frequency.DAILY: "day",
    Frequency.WEEKLY: "week",
    Frequency.MONTHLY: "month",
    Frequency.QUARTERLY: "quarter",
    Frequency.YEARLY: "year",
}


def _records_done(model, window, name, done_field, frequency, ctx):
    """(periods met on time, periods met late) of records that say which period they are for
    (``date_field``, e.g. a month) and when they were done (``done_field``, e.g. signed off): done
    after the period ended is late; not done by the instant evaluated does not count yet. None
    when the field does not exist."""
    try:
        model._meta.get_field(done_field)
    except FieldDoesNotExist:
        return None, None
    on_time, late = set(), set()
    for when, done in window.order_by().values_list(name, done_field):
        done_day = _local_day(done)
        if (
            done_day is None
            or done_day > ctx.today
            or (isinstance(done, datetime.datetime) and done > ctx.as_of)
        ):
            continue
        start = period_start(_local_day(when), frequency)
        (on_time if done_day < next_period(start, frequency) else late).add(start)
    return on_time, late - on_time


def _local_day(value):
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def record_periods(done, frequency, ctx, late=()):
    """The window's periods: met on time if ``done`` (a set of period starts) holds it, late if
    ``late`` does, missed once ended without, not yet due while current."""
    periods = []
    for start in period_starts(ctx.since_date, ctx.today, frequency):
        if start in done:
            outcome = Outcome.ON_TIME
        elif start in late:
            outcome = Outcome.LATE
        elif next_period(start, frequency) <= ctx.today:
            outcome = Outcome.MISSED
        else:
            outcome = Outcome.PENDING
        periods.append(Period(start, frequency, outcome))
    return periods


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def _with_visibility(queryset, model, ctx):
    """Annotate ``compliance_visible``: whether the user may open the record (the model's own
    ``visible_to`` rule, as a subquery of the same query). Counts stay bureau-wide; only the
    titles and links of records outside the user's view are masked."""
    manager = model._default_manager
    if ctx.user is None or not hasattr(manager, "visible_to"):
        return queryset.annotate(compliance_visible=Value(True))
    return queryset.annotate(
        compliance_visible=Exists(manager.visible_to(ctx.user).filter(pk=OuterRef("pk")).values("pk"))
    )


def _record_refs(model, window, name, spec, ctx):
    rows = list(
        _with_visibility(window, model, ctx)
        .select_related(*spec.get("select_related", []))
        .order_by(f"-{name}", "-pk")[: ctx.ref_limit]
    )
    hidden = {r.pk for r in rows if not r.compliance_visible}
    refs = []
    for row in rows:
        if row.pk in hidden:
            refs.append(
                Ref(
                    title=f"（无权查看的{model._meta.verbose_name}）",
                    date=getattr(row, name),
                    source=model._meta.verbose_name,
                )
            )
            continue
        refs.append(
            Ref(
                title=str(row),
                date=getattr(row, name),
                url=_record_url(row, spec),
                state=model._meta.verbose_name,
                source=model._meta.verbose_name,
            )
        )
    return refs


def _record_url(row, spec):
    if hasattr(row, "get_absolute_url"):
        try:
            return row.get_absolute_url()
        except NoReverseMatch:
            return ""
    if spec.get("url"):
        url_name, attribute = spec["url"]
        try:
            return reverse(url_name, args=[getattr(row, attribute)])
        except (NoReverseMatch, AttributeError):
            return ""
    return ""


# The built-in kinds that read settings and the portal's own configuration (preconditions), and
# officers' attestations.
from . import attestations, checks  # noqa: E402, F401 - register their kinds on import
