"""What an evaluation says (DESIGN.md §6): a status, its reason and the records behind it. The
evaluators (``evidence``, ``periods`` and the kinds in ``attestations``, ``checks``, ``deadlines``)
all build these, so this module imports none of them."""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import timezone


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


def fmt(value):
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")
