"""Compliance evidence the publishing workflow provides (registered from ``PublishingConfig.ready``):

- ``publication_approval`` (10 §1): every publication published in the window went through the
  whole approval chain before it was published — the head of the office, the information
  officer, and the bureau's leadership for a major item; one published without is named.
"""

from django.db.models import Q
from django.urls import reverse

from szmz_security.compliance.evidence import Ref, register
from szmz_security.compliance.periods import Event, Outcome, event_result

from .models import ApprovalStep, Publication

State = Publication.State


def required_steps(is_major):
    steps = [State.HEAD_REVIEW, State.INFO_REVIEW]
    return steps + [State.LEADER_REVIEW] if is_major else steps


@register("publication_approval")
def evaluate_publication_approval(items, ctx):
    published = list(
        Publication.objects.filter(
            state=State.PUBLISHED, published_at__gte=ctx.since, published_at__lte=ctx.as_of
        )
        .order_by("published_at", "pk")
        .values("pk", "title", "is_major", "published_at")
    )
    approved = {}
    steps = ApprovalStep.objects.filter(
        Q(publication_id__in=[p["pk"] for p in published]), action=ApprovalStep.Action.APPROVE
    ).values_list("publication_id", "from_state", "at")
    published_at = {p["pk"]: p["published_at"] for p in published}
    for publication_id, from_state, at in steps:
        if at <= published_at[publication_id]:
            approved.setdefault(publication_id, set()).add(from_state)
    events, refs = [], []
    for publication in published:
        missing = [
            s for s in required_steps(publication["is_major"]) if s not in approved.get(publication["pk"], ())
        ]
        outcome = Outcome.MISSED if missing else Outcome.ON_TIME
        title = publication["title"] + (
            "（缺" + "、".join(State(s).label for s in missing) + "）" if missing else ""
        )
        events.append(Event(title, outcome, publication["published_at"]))
        if ctx.with_refs and len(refs) < ctx.ref_limit:
            refs.append(
                Ref(
                    title=title,
                    date=publication["published_at"],
                    url=reverse("publishing:publication", args=[publication["pk"]]),
                    state="审批完整" if not missing else "审批不全",
                    badge="success" if not missing else "danger",
                    source="信息发布",
                )
            )
    result = event_result(events, refs=refs, what="信息发布")
    return {item.key: result for item in items}
