"""Badges and deadline cells shared by the incident list, the detail page and the CSV export."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from szmz_security.core.templatetags.portal import countdown

from ..categories import GRADE_COLOURS, Grade
from ..models import Incident

register = template.Library()

STATE_COLOURS = {
    Incident.State.NEW: "danger",
    Incident.State.ACCEPTED: "warning",
    Incident.State.HANDLING: "primary",
    Incident.State.RECOVERED: "info",
    Incident.State.CLOSED: "success",
    Incident.State.FALSE_ALARM: "secondary",
}


@register.simple_tag
def state_badge(incident):
    return format_html(
        '<span class="badge text-bg-{}" data-testid="state-badge">{}</span>',
        STATE_COLOURS.get(incident.state, "secondary"),
        incident.get_state_display(),
    )


def grade_text(incident):
    """“较大”, or “较大（建议）” while only the reporter's suggestion (or the default) speaks."""
    grade = incident.effective_grade
    if incident.grade is None:
        return f"{grade.label}（建议）" if incident.suggested_grade or grade > Grade.GENERAL else "未定级"
    return grade.label


@register.simple_tag
def grade_badge(incident):
    grade = incident.effective_grade
    if incident.grade is None and not incident.suggested_grade and grade == Grade.GENERAL:
        return format_html(
            '<span class="badge text-bg-light border" data-testid="grade-badge">{}</span>', "未定级"
        )
    suffix = "" if incident.grade is not None else format_html(' <small class="fw-normal">{}</small>', "建议")
    return format_html(
        '<span class="badge text-bg-{}" data-testid="grade-badge">{}{}</span>',
        GRADE_COLOURS[grade],
        grade.label,
        suffix,
    )


def next_obligation(incident):
    """The nearest open obligation, from the list's prefetch (``open_obligations``, unordered)."""
    pending = getattr(incident, "open_obligations", None)
    return min(pending, key=lambda obligation: (obligation.due_at, obligation.pk)) if pending else None


def obligation_name(obligation):
    return obligation.authority or "整改措施"


@register.simple_tag
def next_deadline(incident):
    obligation = next_obligation(incident)
    if obligation is None:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    return format_html(
        '<div class="small">{}</div>{}',
        obligation_name(obligation),
        countdown(obligation.due_at, True),
    )


def next_deadline_text(incident):
    obligation = next_obligation(incident)
    if obligation is None:
        return ""
    due = timezone.localtime(obligation.due_at).strftime("%Y-%m-%d %H:%M")
    late = "（已逾期）" if obligation.is_overdue() else ""
    return f"{obligation_name(obligation)} {due}{late}"
