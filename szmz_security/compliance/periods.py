"""Periods and outcomes: how records turn into a status an inspector would sign (DESIGN.md §6).

A periodic evidence item (daily, weekly, monthly, quarterly, yearly) is judged PER PERIOD: the
window is cut into its calendar periods and each one was met on time, met late, missed, or is
not yet due. The item is met only if every due period was met on time; one late or missed
period makes it 未按期 (named), never met; a period not yet due never counts as met.

A per-event item (a regulator report, a corrective action) is judged PER EVENT the same way;
with no event in the window it is 本期无事件, not met.

``period_result`` and ``event_result`` turn these outcomes into a ``Result``; every evaluator
of a periodic or per-event kind goes through one of them, so the rules live here only.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from .models import Frequency
from .outcome import Result, Status, fmt


class Outcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    PENDING = "pending"
    WAIVED = "waived"

    @property
    def label(self):
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.ON_TIME: "按期完成",
    Outcome.LATE: "逾期完成",
    Outcome.MISSED: "未完成",
    Outcome.PENDING: "未到期",
    Outcome.WAIVED: "不再需要",
}
# Which outcome a period with several records/obligations takes: the worst one.
OUTCOME_RANK = {Outcome.MISSED: 4, Outcome.LATE: 3, Outcome.PENDING: 2, Outcome.ON_TIME: 1, Outcome.WAIVED: 0}

# (the unit counted, the counter of a part): "4 个季度中 3 个按期完成".
UNITS = {
    Frequency.DAILY: ("天", "天"),
    Frequency.WEEKLY: ("周", "周"),
    Frequency.MONTHLY: ("个月", "个"),
    Frequency.QUARTERLY: ("个季度", "个"),
    Frequency.YEARLY: ("年", "年"),
}
PERIODIC = tuple(UNITS)
NAMED = 5  # periods or events named in a reason, then "等 N 项"


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


def period_last_day(day, frequency):
    """The last day of the period of ``frequency`` that contains ``day``."""
    return next_period(period_start(day, frequency), frequency) - datetime.timedelta(days=1)


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


def period_starts(first_day, last_day, frequency):
    """The starts of every period from the one containing ``first_day`` to the one containing
    ``last_day``."""
    starts = []
    start = period_start(first_day, frequency)
    while start <= last_day:
        starts.append(start)
        start = next_period(start, frequency)
    return starts


@dataclass
class Period:
    start: datetime.date
    frequency: str
    outcome: Outcome

    @property
    def label(self):
        return period_label(self.start, self.frequency)

    @property
    def last_day(self):
        return next_period(self.start, self.frequency) - datetime.timedelta(days=1)


def worst(outcomes, default):
    return max(outcomes, key=OUTCOME_RANK.__getitem__, default=default)


def coverage_text(periods, frequency):
    """“4 个季度中 3 个按期完成，1 个逾期完成”."""
    whole, part = UNITS[frequency]
    counts = {}
    for period in periods:
        counts[period.outcome] = counts.get(period.outcome, 0) + 1
    parts = [f"{counts[o]} {part}{o.label}" for o in Outcome if counts.get(o)]
    return f"{len(periods)} {whole}中 " + "，".join(parts) if parts else f"评估期内无应完成的{whole}"


def named(labels):
    shown = "、".join(labels[:NAMED])
    return shown + (f" 等 {len(labels)} 项" if len(labels) > NAMED else "")


def period_result(periods, frequency, today, *, due_soon_days, overdue_now=(), refs=None, what="记录"):
    """The status of a periodic item from its periods (oldest first; the last one is the
    current period). ``overdue_now`` names things open past their deadline at the instant
    evaluated (obligations), which make it 已逾期; a record-based item is 已逾期 when the last
    ended period was missed and the current one is not yet met."""

    refs = refs or []
    coverage = coverage_text(periods, frequency)
    late = [p.label for p in periods if p.outcome == Outcome.LATE]
    missed = [p.label for p in periods if p.outcome == Outcome.MISSED]
    current = periods[-1] if periods else None
    ended = [p for p in periods if p.last_day < today]
    lapsed = (
        ended
        and ended[-1].outcome == Outcome.MISSED
        and current is not None
        and current.last_day >= today
        and current.outcome not in (Outcome.ON_TIME, Outcome.LATE)
    )
    problems = []
    if missed:
        problems.append(f"{named(missed)}未完成")
    if late:
        problems.append(f"{named(late)}逾期完成")
    if overdue_now:
        reason = f"{coverage}。{named(list(overdue_now))}已逾期未完成。"
        return Result(Status.OVERDUE, reason, refs, coverage=coverage)
    if lapsed:
        reason = f"{coverage}。上一期（{ended[-1].label}）已结束，无{what}；" + "；".join(problems) + "。"
        return Result(Status.OVERDUE, reason, refs, coverage=coverage)
    if problems:
        return Result(
            Status.LATE, f"{coverage}。未按期：" + "；".join(problems) + "。", refs, coverage=coverage
        )
    if current is not None and current.outcome == Outcome.PENDING:
        days_left = (current.last_day - today).days
        if days_left < due_soon_days:
            reason = f"{coverage}。本期（{current.label}）尚无{what}，将于 {current.last_day:%Y-%m-%d} 截止。"
            return Result(Status.DUE_SOON, reason, refs, coverage=coverage)
    if any(p.outcome == Outcome.ON_TIME for p in periods):
        return Result(Status.MET, f"{coverage}。", refs, coverage=coverage)
    if periods and all(p.outcome == Outcome.WAIVED for p in periods):
        return Result(Status.NO_EVENTS, f"{coverage}（均不再需要）。", refs, coverage=coverage, empty=True)
    return Result(
        Status.NO_EVIDENCE,
        f"{coverage}。本期尚未到期，评估期内尚无按期完成的{what}。",
        refs,
        coverage=coverage,
        empty=True,
    )


@dataclass
class Event:
    title: str
    outcome: Outcome
    due: datetime.datetime | datetime.date | None = None


def event_result(events, *, due_soon_until=None, refs=None, what="事件"):
    """The status of a per-event item: met only if every event in the window was handled in
    time; late ones named (未按期); one still open past its deadline makes it 已逾期; no event
    at all is 本期无事件."""

    refs = refs or []
    counts = {}
    for event in events:
        counts[event.outcome] = counts.get(event.outcome, 0) + 1
    coverage = (
        f"{len(events)} 项中 " + "，".join(f"{counts[o]} 项{o.label}" for o in Outcome if counts.get(o))
        if events
        else ""
    )
    missed = [e.title for e in events if e.outcome == Outcome.MISSED]
    late = [e.title for e in events if e.outcome == Outcome.LATE]
    pending = sorted((e for e in events if e.outcome == Outcome.PENDING), key=lambda e: e.due)
    if not events or all(e.outcome == Outcome.WAIVED for e in events):
        note = f"（{coverage}）" if events else ""
        return Result(Status.NO_EVENTS, f"评估期内无需履行的{what}{note}。", refs, empty=True)
    if missed:
        reason = (
            f"{coverage}。已逾期未完成：{named(missed)}"
            + (f"；逾期完成：{named(late)}" if late else "")
            + "。"
        )
        return Result(Status.OVERDUE, reason, refs, coverage=coverage)
    if late:
        return Result(Status.LATE, f"{coverage}。未按期：{named(late)}逾期完成。", refs, coverage=coverage)
    if pending:
        soon = due_soon_until is not None and pending[0].due <= due_soon_until
        if soon or not counts.get(Outcome.ON_TIME):
            reason = f"{coverage}。最近一项将于 {fmt(pending[0].due)} 到期。"
            return Result(Status.DUE_SOON, reason, refs, coverage=coverage)
    return Result(Status.MET, f"{coverage}。", refs, coverage=coverage)
