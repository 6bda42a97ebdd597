"""The compliance service (DESIGN.md §6): per clause met / due soon / overdue / 未按期 / no evidence /
本期无事件 / not applicable, from the records of every other app, aggregated per chapter and per
framework (the rules: ``periods.py``).

``evaluate()`` is what the dashboard, the clause page, the quarterly review checklist and the
inspection PDF read, each at ``evaluation_instant()`` of its period. Its
number of queries does not depend on the number of rows: one for the clauses, then one aggregate
per evidence source (see ``evidence.py``), plus one per source for the evidence records when
``with_refs`` is set.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .attestations import attestation_frequency, attestation_valid_until
from .evidence import Context, Item, evaluate_items
from .models import ApplicabilityOverride, Attestation, Clause, Framework
from .outcome import SEVERITY, STATUS_ORDER, Status
from .periods import period_label, period_start

VIEW_PERMISSION = "compliance.view_clause"


def window_days():
    """How far back an evaluation looks by default (settings.COMPLIANCE_WINDOW_DAYS, 365)."""
    return getattr(settings, "COMPLIANCE_WINDOW_DAYS", 365)


def evaluation_instant(period_end=None, now=None):
    """The one instant a period is evaluated at — the dashboard, the clause page, the quarterly
    review checklist and the inspection PDF alike: the end of the period (its last second, local
    time), or now when the period has not ended yet. Nothing after now is ever assumed."""
    now = now or timezone.now()
    if period_end is None:
        return now
    end = timezone.make_aware(datetime.datetime.combine(period_end, datetime.time.max))
    return min(end, now)


def can_view(user):
    return user.is_authenticated and user.has_perm(VIEW_PERMISSION)


@dataclass
class ClauseStatus:
    clause: Clause
    status: Status
    reason: str
    items: list = field(default_factory=list)  # Result per evidence item, in the file's order

    @property
    def refs(self):
        return [ref for item in self.items for ref in item.refs]


@dataclass
class Summary:
    """Counts of each status over a set of clauses, and the share met among those that apply."""

    clauses: list = field(default_factory=list)

    @property
    def counts(self):
        counter = Counter(c.status for c in self.clauses)
        return {status: counter.get(status, 0) for status in STATUS_ORDER}

    @property
    def count_list(self):
        return [(status, n) for status, n in self.counts.items()]

    @property
    def total(self):
        return len(self.clauses)

    @property
    def applicable(self):
        return sum(1 for c in self.clauses if c.status != Status.NOT_APPLICABLE)

    @property
    def percent_met(self):
        applicable = self.applicable
        return round(100 * self.counts[Status.MET] / applicable) if applicable else 100

    @property
    def bar(self):
        """(status, percent of all applicable clauses) for a stacked progress bar."""
        applicable = self.applicable or 1
        return [
            (status, round(100 * n / applicable, 1))
            for status, n in self.counts.items()
            if n and status != Status.NOT_APPLICABLE
        ]


@dataclass
class ChapterResult(Summary):
    chapter: object = None


@dataclass
class FrameworkResult(Summary):
    framework: Framework = None
    chapters: list = field(default_factory=list)


@dataclass
class Evaluation:
    as_of: datetime.datetime
    since: datetime.datetime
    frameworks: list
    by_clause: dict  # clause pk → ClauseStatus

    @property
    def clauses(self):
        return [c for f in self.frameworks for c in f.clauses]

    def chapter(self, framework_code, chapter_code):
        for f in self.frameworks:
            if f.framework.code == framework_code:
                for c in f.chapters:
                    if c.chapter.code == chapter_code:
                        return c
        return None


def evaluate(
    framework=None,
    as_of=None,
    user=None,
    *,
    since=None,
    chapter=None,
    clause=None,
    with_refs=False,
    ref_limit=10,
):
    """Evaluate the active frameworks (or one: a Framework or its code; or one chapter's code
    of it; or one clause) at ``as_of`` (default now) over the window from ``since`` (default
    ``COMPLIANCE_WINDOW_DAYS`` before ``as_of``). ``user`` masks evidence records they may not
    see; ``with_refs`` adds up to ``ref_limit`` evidence records per item."""
    as_of = as_of or timezone.now()
    since = since or as_of - datetime.timedelta(days=window_days())
    clauses = Clause.objects.filter(
        retired=False, framework__active=True, chapter__retired=False
    ).select_related("framework", "chapter", "applicability_override")
    if isinstance(framework, Framework):
        clauses = clauses.filter(framework=framework)
    elif framework:
        clauses = clauses.filter(framework__code=framework)
    if chapter is not None:
        clauses = clauses.filter(chapter__code=chapter)
    if clause is not None:
        clauses = clauses.filter(pk=clause.pk if isinstance(clause, Clause) else clause)
    clauses = list(
        clauses.order_by("framework__sort_order", "framework__code", "chapter__sort_order", "sort_order")
    )

    ctx = Context(as_of=as_of, since=since, user=user, with_refs=with_refs, ref_limit=ref_limit)
    items = []
    not_applicable = {}
    for c in clauses:
        reason = not_applicable_reason(c)
        if reason is not None:
            not_applicable[c.pk] = reason
            continue
        items.extend(Item(key=(c.pk, i), spec=spec, clause=c) for i, spec in enumerate(c.evidence or []))
    results = evaluate_items(items, ctx)

    by_clause = {}
    frameworks = {}
    for c in clauses:
        if c.pk in not_applicable:
            status = ClauseStatus(c, Status.NOT_APPLICABLE, not_applicable[c.pk])
        else:
            item_results = [results[(c.pk, i)] for i in range(len(c.evidence or []))]
            status = combine(c, item_results)
        by_clause[c.pk] = status
        fw = frameworks.setdefault(c.framework_id, FrameworkResult(framework=c.framework))
        fw.clauses.append(status)
        if not fw.chapters or fw.chapters[-1].chapter.pk != c.chapter_id:
            fw.chapters.append(ChapterResult(chapter=c.chapter))
        fw.chapters[-1].clauses.append(status)
    return Evaluation(as_of=as_of, since=since, frameworks=list(frameworks.values()), by_clause=by_clause)


def not_applicable_reason(clause):
    """The reason a clause does not apply (an officer's override wins over the data file), or None."""
    try:
        override = clause.applicability_override
    except ApplicabilityOverride.DoesNotExist:
        override = None
    if override is not None:
        return None if override.applicable else f"{override.reason}（人工判定）"
    return clause.not_applicable_reason or None


def combine(clause, item_results):
    """The worst status of the clause's evidence items. A precondition (a setting) never makes a
    clause met: it only spoils the status when it fails, and alone it is no evidence."""
    evidence = [r for r in item_results if not r.precondition]
    failed = [r for r in item_results if r.precondition and r.status != Status.MET]
    if not evidence:
        reason = "仅有配置前提，无记录证据。" if item_results else "未定义证据要求。"
        failed_status = max((r.status for r in failed), key=SEVERITY.__getitem__, default=Status.NO_EVIDENCE)
        status = (
            failed_status if SEVERITY[failed_status] > SEVERITY[Status.NO_EVIDENCE] else Status.NO_EVIDENCE
        )
        return ClauseStatus(clause, status, reason, item_results)
    worst = max(evidence + failed, key=lambda r: SEVERITY[r.status]).status
    if len(item_results) == 1:
        reason = item_results[0].reason
    else:
        reason = (
            "；".join(
                f"{'前提条件' if r.precondition else ''}{r.label or '证据'}：{r.reason.rstrip('。')}"
                for r in item_results
            )
            + "。"
        )
    return ClauseStatus(clause, worst, reason, item_results)


def clause_status(clause, user=None, as_of=None):
    """One clause with its evidence records (the clause page)."""
    evaluation = evaluate(clause=clause, user=user, as_of=as_of, with_refs=True)
    return evaluation.by_clause.get(clause.pk) or ClauseStatus(clause, Status.NO_EVIDENCE, "条款已废止。", [])


# --- what officers record -------------------------------------------------------------------------


def clause_attestation_frequency(clause):
    return attestation_frequency(
        next((i for i in clause.evidence or [] if i.get("kind") == "attestation"), {})
    )


def attestation_period(clause, day=None):
    """(label, last day) of the one period an attestation made on ``day`` covers."""
    day = day or timezone.localdate()
    frequency = clause_attestation_frequency(clause)
    return period_label(period_start(day, frequency), frequency), attestation_valid_until(frequency, day)


def attest(clause, *, by, note, valid_until=None, at=None):
    """Record that an officer checked a clause software cannot see: valid for the period it is
    made in (of the clause's frequency), never longer."""
    if not by.has_perm("compliance.attest_clause"):
        raise PermissionDenied("您没有权限确认合规条款。")
    at = at or timezone.now()
    errors = {}
    if not clause.attestable:
        errors["__all__"] = "该条款由系统记录自动核查，无需人工确认。"
    if clause.retired:
        errors["__all__"] = "该条款已废止。"
    if not (note or "").strip():
        errors["note"] = "请说明检查了什么、依据哪些材料。"
    label, period_end = attestation_period(clause, timezone.localdate(at))
    valid_until = valid_until or period_end
    if valid_until < timezone.localdate(at):
        errors["valid_until"] = "有效期不能早于确认日期。"
    elif valid_until > period_end:
        errors["valid_until"] = f"人工确认只覆盖本期（{label}），有效期最迟至 {period_end:%Y-%m-%d}。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        attestation = Attestation(clause=clause, by=by, at=at, note=note.strip(), valid_until=valid_until)
        attestation._change_reason = "人工确认"
        attestation.save()
    return attestation


def set_applicability(clause, *, by, applicable, reason):
    """An officer decides a clause does (not) apply, with the reason; history keeps each decision."""
    if not by.has_perm("compliance.mark_not_applicable"):
        raise PermissionDenied("您没有权限调整条款适用性。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明原因。"})
    with transaction.atomic():
        override = ApplicabilityOverride.objects.select_for_update().filter(clause=clause).first()
        override = override or ApplicabilityOverride(clause=clause)
        override.applicable = applicable
        override.reason = reason.strip()
        override.by = by
        override.at = timezone.now()
        override._change_reason = "判定适用" if applicable else "判定不适用"
        override.save()
    return override
