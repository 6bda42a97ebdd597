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
"""

import datetime
import json
from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Value, Window
from django.db.models.functions import RowNumber, Trunc
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Frequency


class Status(StrEnum):
    MET = "met"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NO_EVIDENCE = "no_evidence"
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
    Status.NO_EVIDENCE: "无证据",
    Status.NOT_APPLICABLE: "不适用",
}
STATUS_BADGES = {
    Status.MET: "success",
    Status.DUE_SOON: "warning",
    Status.OVERDUE: "danger",
    Status.NO_EVIDENCE: "secondary",
    Status.NOT_APPLICABLE: "light",
}
STATUS_ORDER = [Status.OVERDUE, Status.DUE_SOON, Status.NO_EVIDENCE, Status.MET, Status.NOT_APPLICABLE]
# Worst first, for combining a clause's items: one overdue item makes the clause overdue.
SEVERITY = {Status.OVERDUE: 4, Status.NO_EVIDENCE: 3, Status.DUE_SOON: 2, Status.MET: 1}

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
    empty: bool = False  # nothing at all in the window (``when_none`` may turn it into met)


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
        results[item.key].label = results[item.key].label or item.spec.get("label", "")
    return results


# --- periods ---------------------------------------------------------------------------------------

TRUNC_KIND = {
    Frequency.DAILY: "day",
    Frequency.WEEKLY: "week",
    Frequency.MONTHLY: "month",
    Frequency.QUARTERLY: "quarter",
    Frequency.YEARLY: "year",
}


def period_start(day, frequency):
    if frequency == Frequency.DAILY:
        return day
    if frequency == Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    if frequency == Frequency.QUARTERLY:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def next_period(start, frequency):
    if frequency == Frequency.DAILY:
        return start + datetime.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return start + datetime.timedelta(days=7)
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}[frequency]
    month = start.month - 1 + months
    return start.replace(year=start.year + month // 12, month=month % 12 + 1, day=1)


def previous_period(start, frequency):
    return period_start(start - datetime.timedelta(days=1), frequency)


def period_label(start, frequency):
    if frequency == Frequency.MONTHLY:
        return f"{start.year}年{start.month}月"
    if frequency == Frequency.QUARTERLY:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if frequency == Frequency.YEARLY:
        return f"{start.year}年"
    if frequency == Frequency.WEEKLY:
        return f"{start:%Y-%m-%d}起的一周"
    return f"{start:%Y-%m-%d}"


# --- obligations -------------------------------------------------------------------------------------


def _kind_matches(kind, prefix):
    return kind == prefix or kind.startswith(prefix + ".")


def _kind_q(prefixes):
    query = Q()
    for prefix in prefixes:
        query |= Q(kind=prefix) | Q(kind__startswith=prefix + ".")
    return query


@register("obligation")
def evaluate_obligations(items, ctx):
    """Obligations of the item's kinds (prefix match: ``assets.reconciliation`` covers
    ``assets.reconciliation.intranet``) due in the window, or still open at ``as_of``.
    Overdue if one is open past its deadline; due soon if the next one falls due within the
    window; met if those of the period were met; no evidence if there are none (a per-event
    item may say ``when_none = "met"``: no event, nothing owed)."""
    from szmz_security.obligations.models import Obligation

    State = Obligation.State
    as_of = ctx.as_of
    prefixes = sorted({prefix for item in items for prefix in item.spec.get("kinds", [])})
    open_at = Q(state=State.OPEN) | Q(met_at__gt=as_of) | Q(waived_at__gt=as_of)
    base = Obligation.objects.filter(_kind_q(prefixes), created_at__lte=as_of).filter(
        Q(due_at__gte=ctx.since) | open_at
    )
    rows = list(
        base.order_by()
        .values("kind")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=open_at & Q(due_at__lte=as_of)),
            first_overdue=Min("due_at", filter=open_at & Q(due_at__lte=as_of)),
            pending=Count("pk", filter=open_at & Q(due_at__gt=as_of)),
            next_due=Min("due_at", filter=open_at & Q(due_at__gt=as_of)),
            met=Count("pk", filter=Q(state=State.MET, met_at__lte=as_of)),
            met_late=Count("pk", filter=Q(state=State.MET_LATE, met_at__lte=as_of)),
            waived=Count("pk", filter=Q(state=State.WAIVED, waived_at__lte=as_of)),
            last_met=Max("met_at", filter=Q(met_at__lte=as_of)),
        )
    )
    refs_by_kind = _obligation_refs(base, ctx) if ctx.with_refs else {}

    results = {}
    for item in items:
        spec = item.spec
        mine = [row for row in rows if any(_kind_matches(row["kind"], p) for p in spec.get("kinds", []))]
        total = sum(row["total"] for row in mine)
        overdue = sum(row["overdue"] for row in mine)
        pending = sum(row["pending"] for row in mine)
        met = sum(row["met"] for row in mine)
        met_late = sum(row["met_late"] for row in mine)
        waived = sum(row["waived"] for row in mine)
        next_due = min((row["next_due"] for row in mine if row["next_due"]), default=None)
        first_overdue = min((row["first_overdue"] for row in mine if row["first_overdue"]), default=None)
        last_met = max((row["last_met"] for row in mine if row["last_met"]), default=None)
        refs = sorted(
            (
                ref
                for kind, kind_refs in refs_by_kind.items()
                for ref in kind_refs
                if any(_kind_matches(kind, p) for p in spec.get("kinds", []))
            ),
            key=lambda ref: (ref.badge != "danger", -ref.date.timestamp()),
        )[: ctx.ref_limit]
        late_note = f"（其中 {met_late} 项逾期完成）" if met_late else ""
        if overdue:
            status, reason = Status.OVERDUE, f"{overdue} 项已逾期未完成，最早截止于 {fmt(first_overdue)}。"
        elif next_due and next_due <= as_of + datetime.timedelta(days=due_soon_days(spec)):
            status, reason = Status.DUE_SOON, f"{pending} 项待完成，最近一项将于 {fmt(next_due)} 到期。"
        elif total == 0:
            if spec.get("when_none") == "met":
                status, reason = Status.MET, "评估期内未发生需履行的事项。"
            else:
                status, reason = Status.NO_EVIDENCE, "评估期内无此类义务记录。"
        elif met + met_late == 0 and waived and not pending:
            status, reason = Status.NO_EVIDENCE, f"评估期内 {waived} 项均被标记为不再需要，无完成记录。"
        else:
            parts = [f"评估期内 {met + met_late} 项已完成{late_note}"]
            if waived:
                parts.append(f"{waived} 项不再需要")
            if pending:
                parts.append(f"{pending} 项未到期（下一项截止 {fmt(next_due)}）")
            if last_met:
                parts.append(f"最近一次完成于 {fmt(last_met)}")
            status, reason = Status.MET, "，".join(parts) + "。"
        results[item.key] = Result(status, reason, refs)
    return results


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
    )


@register("records")
def evaluate_records(items, ctx):
    """Records of a model (``model`` label, ``date_field``, optional ``filter``), expected once
    per period of ``frequency``: met if the current period has one, or the last one did and
    this one is not yet ending; overdue if the last period passed without one; due soon if this
    period ends within the window without one; no evidence if there is none in the window. A
    per-event item is met by any record in the window (or by none, with ``when_none = "met"``).
    One aggregate query per distinct source, one more for its latest records when asked."""
    by_source = {}
    for item in items:
        by_source.setdefault(_record_source(item.spec), []).append(item)
    results = {}
    for source_items in by_source.values():
        spec = source_items[0].spec
        outcome = _evaluate_record_source(spec, ctx)
        for item in source_items:
            result = outcome
            if result.empty and item.spec.get("when_none") == "met":
                result = Result(Status.MET, "评估期内未发生需记录的事项。", result.refs)
            results[item.key] = Result(result.status, result.reason, list(result.refs))
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
    is_datetime = isinstance(date_field, models.DateTimeField)
    frequency = spec.get("frequency", Frequency.PER_EVENT)
    verbose = model._meta.verbose_name
    queryset = model._default_manager.filter(**spec.get("filter", {}))
    if is_datetime:
        window = queryset.filter(**{f"{name}__lte": ctx.as_of, f"{name}__gte": ctx.since})
    else:
        window = queryset.filter(**{f"{name}__lte": ctx.today, f"{name}__gte": ctx.since_date})
    refs = _record_refs(model, window, name, spec, ctx) if ctx.with_refs else []

    if frequency not in TRUNC_KIND:
        summary = window.order_by().aggregate(n=Count("pk"), last=Max(name))
        if not summary["n"]:
            return Result(Status.NO_EVIDENCE, f"评估期内无{verbose}。", refs, empty=True)
        return Result(
            Status.MET, f"评估期内 {summary['n']} 条{verbose}，最近一条 {fmt(summary['last'])}。", refs
        )

    trunc = Trunc(name, TRUNC_KIND[frequency], output_field=models.DateField())
    counts = {
        _as_date(row["period"]): row["n"]
        for row in window.order_by().annotate(period=trunc).values("period").annotate(n=Count("pk"))
    }
    current = period_start(ctx.today, frequency)
    previous = previous_period(current, frequency)
    if not counts:
        return Result(
            Status.NO_EVIDENCE,
            f"评估期内无{verbose}（应{Frequency(frequency).label}一次）。",
            refs,
            empty=True,
        )
    first = min(counts)
    gaps = []
    period = first
    while period < current:
        if period not in counts:
            gaps.append(period)
        period = next_period(period, frequency)
    gap_note = ""
    if gaps:
        shown = "、".join(period_label(p, frequency) for p in gaps[:3])
        gap_note = f"评估期内缺 {len(gaps)} 期（{shown}{'等' if len(gaps) > 3 else ''}）。"
    end = next_period(current, frequency)
    if current in counts:
        return Result(
            Status.MET, f"本期（{period_label(current, frequency)}）已有{verbose}。{gap_note}", refs
        )
    if previous >= first and previous not in counts:
        return Result(
            Status.OVERDUE,
            f"上一期（{period_label(previous, frequency)}）已结束，无{verbose}。{gap_note}",
            refs,
        )
    days_left = (end - ctx.today).days - 1
    if days_left < due_soon_days(spec):
        return Result(
            Status.DUE_SOON,
            f"本期（{period_label(current, frequency)}）尚无{verbose}，将于 {fmt(end - datetime.timedelta(days=1))} 截止。{gap_note}",
            refs,
        )
    return Result(
        Status.MET,
        f"上一期（{period_label(previous, frequency)}）已有{verbose}；本期尚未到期。{gap_note}",
        refs,
    )


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


# --- settings and checks ------------------------------------------------------------------------------


@register("setting")
def evaluate_settings(items, ctx):
    """A setting compared with ``min`` / ``max``; a per-class dict (AUDIT_RETENTION_DAYS) by its
    weakest value."""
    results = {}
    for item in items:
        spec = item.spec
        name = spec.get("setting", "")
        value = getattr(settings, name, None)
        if value is None:
            results[item.key] = Result(Status.NO_EVIDENCE, f"未配置 {name}。")
            continue
        detail = ""
        if isinstance(value, dict):
            detail = "，".join(f"{k} {v}" for k, v in sorted(value.items()))
            value = min(value.values()) if "min" in spec else max(value.values())
        shown = f"{name} = {value}" + (f"（{detail}）" if detail else "")
        if "min" in spec and value < spec["min"]:
            results[item.key] = Result(Status.OVERDUE, f"{shown}，低于要求的 {spec['min']}。")
        elif "max" in spec and value > spec["max"]:
            results[item.key] = Result(Status.OVERDUE, f"{shown}，高于允许的 {spec['max']}。")
        else:
            bound = f"不低于 {spec['min']}" if "min" in spec else f"不高于 {spec.get('max')}"
            results[item.key] = Result(Status.MET, f"{shown}，符合要求（{bound}）。")
    return results


@register("role_headcount")
def evaluate_role_headcount(items, ctx):
    """Active holders of a role (``role`` code) against ``min`` (2 §1: 1 full-time and 3
    part-time security officers). One query for every role named."""
    from szmz_security.org.models import display_name
    from szmz_security.org.roles import ROLES_BY_CODE

    names = {
        item.spec["role"]: ROLES_BY_CODE[item.spec["role"]].name
        for item in items
        if item.spec.get("role") in ROLES_BY_CODE
    }
    users = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names.values())
        .select_related("profile")
        .annotate(role_name=F("groups__name"))
        .order_by("username")
    )
    results = {}
    for item in items:
        role = item.spec.get("role")
        if role not in names:
            results[item.key] = Result(Status.NO_EVIDENCE, f"未知角色 {role!r}。")
            continue
        holders = [u for u in users if u.role_name == names[role]]
        refs = [Ref(title=display_name(u), source=names[role]) for u in holders] if ctx.with_refs else []
        wanted = item.spec.get("min", 1)
        if len(holders) < wanted:
            results[item.key] = Result(
                Status.OVERDUE, f"现有{names[role]} {len(holders)} 人，应不少于 {wanted} 人。", refs
            )
        else:
            results[item.key] = Result(
                Status.MET, f"现有{names[role]} {len(holders)} 人（要求不少于 {wanted} 人）。", refs
            )
    return results


@register("password_policy")
def evaluate_password_policy(items, ctx):
    """The portal's own password policy (6 §8): minimum length, common and numeric passwords
    refused, lock-out after repeated failures."""
    validators = {
        v["NAME"].rsplit(".", 1)[-1]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS
    }
    length = validators.get("MinimumLengthValidator", {}).get(
        "min_length", 8 if "MinimumLengthValidator" in validators else 0
    )
    lockout = getattr(settings, "AXES_FAILURE_LIMIT", 0)
    missing = []
    if length < 8:
        missing.append("密码最小长度不足 8 位")
    if "CommonPasswordValidator" not in validators:
        missing.append("未拒绝常见密码")
    if not lockout:
        missing.append("未启用失败锁定")
    if missing:
        status, reason = Status.OVERDUE, "平台密码策略不足：" + "；".join(missing) + "。"
    else:
        status, reason = (
            Status.MET,
            f"平台密码至少 {length} 位，拒绝常见密码与纯数字密码；连续 {lockout} 次登录失败即锁定；"
            "用户可随时在“修改密码”中更改（定期更改由人员自行执行）。",
        )
    return {item.key: Result(status, reason) for item in items}


@register("audit_log_fields")
def evaluate_audit_log_fields(items, ctx):
    """The portal's audit log records time, user, event type and outcome (等保 8.1.4.3)."""
    model = resolve_model("auditlog.AuditEvent")
    required = {"at": "时间", "user": "用户", "kind": "事件类型", "outcome": "结果"}
    if model is None:
        return {item.key: Result(Status.NO_EVIDENCE, "审计日志模块未启用。") for item in items}
    names = {f.name for f in model._meta.get_fields()}
    missing = [label for name, label in required.items() if name not in names]
    if missing:
        result = Result(Status.OVERDUE, "审计记录缺少字段：" + "、".join(missing) + "。")
    else:
        retention = getattr(settings, "AUDIT_RETENTION_DAYS", {})
        days = min(retention.values()) if isinstance(retention, dict) and retention else retention
        result = Result(
            Status.MET,
            f"平台审计日志记录时间、用户、事件类型与结果（登录、登录失败、查看敏感记录、导出、打印），"
            f"只读不可修改，保存 {days} 天。",
            [Ref(title="审计日志", url=_safe_reverse("auditlog:auditevent_list"), source="审计日志")],
        )
    return {item.key: Result(result.status, result.reason, list(result.refs)) for item in items}


def _safe_reverse(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# --- attestations ------------------------------------------------------------------------------------


@register("attestation")
def evaluate_attestations(items, ctx):
    """Manual attestation: met while the latest attestation is valid, due soon when it expires
    within the window, overdue once it has expired, no evidence when there is none. One query
    (the latest few per clause, by a window function)."""
    from szmz_security.org.models import display_name

    from .models import Attestation

    clause_ids = {item.clause.pk for item in items}
    keep = ctx.ref_limit if ctx.with_refs else 1
    rows = list(
        Attestation.objects.filter(clause_id__in=clause_ids, at__lte=ctx.as_of)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("clause_id")],
                order_by=[F("valid_until").desc(), F("at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=keep)
        .select_related("by__profile")
        .order_by("clause_id", "rank")
    )
    by_clause = {}
    for row in rows:
        by_clause.setdefault(row.clause_id, []).append(row)
    results = {}
    for item in items:
        mine = by_clause.get(item.clause.pk, [])
        refs = (
            [
                Ref(
                    title=f"{display_name(a.by)}：{a.note[:60]}",
                    date=a.at,
                    url=a.get_absolute_url(),
                    state=f"有效期至 {a.valid_until:%Y-%m-%d}",
                    badge="success" if a.valid_until >= ctx.today else "secondary",
                    source="人工确认",
                )
                for a in mine
            ]
            if ctx.with_refs
            else []
        )
        if not mine:
            results[item.key] = Result(Status.NO_EVIDENCE, "尚无人工确认记录。", refs)
            continue
        latest = mine[0]
        who = f"{display_name(latest.by)} 于 {fmt(latest.at)} 确认"
        if latest.valid_until < ctx.today:
            results[item.key] = Result(
                Status.OVERDUE, f"最近一次确认（{who}）已于 {latest.valid_until:%Y-%m-%d} 过期。", refs
            )
        elif (latest.valid_until - ctx.today).days < due_soon_days(item.spec):
            results[item.key] = Result(
                Status.DUE_SOON, f"{who}，有效期至 {latest.valid_until:%Y-%m-%d}，即将到期。", refs
            )
        else:
            results[item.key] = Result(Status.MET, f"{who}，有效期至 {latest.valid_until:%Y-%m-%d}。", refs)
    return results


def attestation_validity(frequency, start):
    """Default “valid until” of an attestation made on ``start`` for an item of ``frequency``."""
    if frequency in (Frequency.WEEKLY, Frequency.MONTHLY, Frequency.QUARTERLY):
        return _add(start, frequency)
    return _add(start, Frequency.YEARLY)


def _add(start, frequency):
    if frequency == Frequency.WEEKLY:
        return start + datetime.timedelta(days=7)
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}.get(frequency, 12)
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return start
