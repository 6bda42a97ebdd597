"""Compliance evidence the incident register provides (registered from ``IncidentsConfig.ready``):

- ``incident_disconnect`` (3 §2, 7 §5): every incident of the window that called for cutting the
  network — of the item's ``categories``, or graded ``min_grade`` or above — was disconnected
  (``network_disconnected``), within ``within_hours`` of its discovery; judged per event.
"""

import datetime

from django.db.models import Q
from django.urls import reverse

from szmz_security.compliance.evidence import Ref, register
from szmz_security.compliance.periods import Event, Outcome, event_result

from .models import Incident

DISCONNECT_HOURS = 2  # “立即断开”: an item may set ``within_hours`` itself


def needs_disconnect(spec):
    query = Q()
    if spec.get("categories"):
        query |= Q(category__in=spec["categories"])
    if spec.get("min_grade"):
        query |= Q(grade__gte=spec["min_grade"])
    return query


@register("incident_disconnect")
def evaluate_incident_disconnect(items, ctx):
    query = Q()
    for item in items:
        query |= needs_disconnect(item.spec)
    rows = list(
        Incident.objects.filter(query, discovered_at__gte=ctx.since, discovered_at__lte=ctx.as_of)
        .exclude(state=Incident.State.FALSE_ALARM)
        .order_by("discovered_at", "pk")
        .values(
            "pk",
            "title",
            "category",
            "grade",
            "discovered_at",
            "network_disconnected",
            "disconnected_at",
            "restricted",
        )
    )
    results = {}
    for item in items:
        spec = item.spec
        limit = datetime.timedelta(hours=spec.get("within_hours", DISCONNECT_HOURS))
        mine = [
            row
            for row in rows
            if row["category"] in spec.get("categories", [])
            or (spec.get("min_grade") and (row["grade"] or 0) >= spec["min_grade"])
        ]
        events, refs = [], []
        for row in mine:
            title = "（知悉范围受限的事件）" if row["restricted"] else row["title"]
            done = row["disconnected_at"]
            if not row["network_disconnected"] or done is None or done > ctx.as_of:
                outcome = Outcome.MISSED
            else:
                outcome = Outcome.LATE if done > row["discovered_at"] + limit else Outcome.ON_TIME
            events.append(Event(title, outcome, row["discovered_at"] + limit))
            if ctx.with_refs and len(refs) < ctx.ref_limit:
                refs.append(
                    Ref(
                        title=title,
                        date=row["discovered_at"],
                        url="" if row["restricted"] else reverse("incidents:incident", args=[row["pk"]]),
                        state=outcome.label if outcome != Outcome.MISSED else "未断网",
                        badge="success" if outcome == Outcome.ON_TIME else "danger",
                        source="安全事件",
                    )
                )
        results[item.key] = event_result(events, refs=refs, what="需断网的事件")
    return results
