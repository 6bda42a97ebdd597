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
from dataclasses import dataclass, replace

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Value
from django.db.models.functions import Trunc
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Frequency

# The outcome types are re-exported: the apps' evidence kinds import them from here.
from .outcome import SEVERITY, STATUS_BADGES, STATUS_LABELS, STATUS_ORDER, Ref, Result, Status, fmt  # noqa: F401
from .periods import (
    PERIODIC,
    Outcome,
    Period,
    next_period,
    period_result,
    period_start,
    period_starts,
)

# How close a period's end (or an open obligation's deadline) must be to count as “due soon”,
# by frequency; an item may set ``due_soon_days`` itself.
DUE_SOON_DAYS = {
    Frequency.DAILY: 0,
    Frequency.WEEKLY: 1,
    Frequency.MONTHLY: 7,
    Frequency.QUARTERLY: 14,
    Frequency.YEARLY: 30,
}


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


def start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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


def with_visibility(queryset, model, ctx):
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
        with_visibility(window, model, ctx)
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
