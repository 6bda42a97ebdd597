"""The reminder stages (settings.OBLIGATION_REMINDER_STAGES) and when each falls due.

Both sweeps (the set-based one on PostgreSQL and the portable one) and the obligation's page read
the stages from here, so "which stage is due" has one definition in Python; the PostgreSQL sweep
restates ``Stage.time_for`` and ``stages_to_send`` in SQL and is tested against the same cases.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from .models import Notification


@dataclass(frozen=True)
class Stage:
    index: int
    key: str
    label: str
    audience: str
    fraction: float | None = None
    offset_minutes: int | None = None

    def time_for(self, obligation):
        if self.fraction is not None:
            return obligation.created_at + (obligation.due_at - obligation.created_at) * self.fraction
        return obligation.due_at + timedelta(minutes=self.offset_minutes)

    @property
    def level(self):
        if self.offset_minutes is not None and self.offset_minutes >= 0:
            return Notification.Level.DANGER
        return Notification.Level.INFO if self.key == "created" else Notification.Level.WARNING


def reminder_stages():
    """The configured stages, indexed in the order they fall due: the share-of-time stages by
    fraction, then the deadline-relative ones by offset. The sweep's bookkeeping
    (``last_stage_index``) counts on that order; a stage appended to the setting out of order
    would otherwise make every stage listed before it look already sent."""
    specs = list(settings.OBLIGATION_REMINDER_STAGES)
    for spec in specs:
        if ("fraction" in spec) == ("offset_minutes" in spec):
            raise ValueError(
                f"reminder stage {spec.get('key')!r} needs exactly one of fraction / offset_minutes"
            )
        if spec["audience"] not in ("owners", "escalation"):
            raise ValueError(f"reminder stage {spec['key']!r}: audience must be owners or escalation")
    specs.sort(key=lambda spec: ("offset_minutes" in spec, spec.get("fraction", spec.get("offset_minutes"))))
    return [Stage(index=index, **spec) for index, spec in enumerate(specs)]


def schedule(obligation, stages=None):
    """The stages of one obligation with their times, in time order."""
    stages = stages or reminder_stages()
    return sorted(
        ((stage.time_for(obligation), stage) for stage in stages), key=lambda pair: (pair[0], pair[1].index)
    )


def next_reminder(obligation, stages, after_index):
    times = [(when, stage) for when, stage in schedule(obligation, stages) if stage.index > after_index]
    return times[0][0] if times else None


def stages_to_send(obligation, stages, now):
    """The stages that fell due since the last sweep. When several fell due at once (a deadline
    already past at filing, or a long outage) only the latest per audience is sent: an overdue
    notice makes the half-time notice pointless, but escalation is never skipped."""
    passed = [
        stage
        for when, stage in schedule(obligation, stages)
        if stage.index > obligation.last_stage_index and when <= now
    ]
    # "Latest" is the furthest stage in the configured order, not the latest time: for a deadline
    # already past at filing the fraction stages ("created", "halfway") are computed after the
    # deadline stages, and time order would announce an overdue obligation as merely new.
    latest = {}
    for stage in passed:
        if stage.audience not in latest or stage.index > latest[stage.audience].index:
            latest[stage.audience] = stage
    return sorted(latest.values(), key=lambda stage: stage.index), passed
