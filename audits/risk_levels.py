"""Risk levels from likelihood × severity (双重预防 practice): 重大 red / 较大 orange / 一般 yellow /
低 blue, with cut-offs from settings.AUDITS_RISK_CUTOFFS (a score at or above a cut-off has that
level). The same rule in Python (``level_for``) and in SQL (``level_expression``, for filters)."""

from django.conf import settings
from django.db.models import Case, CharField, Q, Value, When

MAJOR, SIGNIFICANT, GENERAL, LOW = "major", "significant", "general", "low"
LEVELS = (MAJOR, SIGNIFICANT, GENERAL, LOW)
LEVEL_LABELS = {MAJOR: "重大", SIGNIFICANT: "较大", GENERAL: "一般", LOW: "低"}
LEVEL_COLOURS = {MAJOR: "红", SIGNIFICANT: "橙", GENERAL: "黄", LOW: "蓝"}
# Badge and cell classes; their colours (LEVEL_HEX / LEVEL_TEXT) are in portal/portal.css, since
# the CSP allows no inline style and Bootstrap has no orange.
LEVEL_BADGES = {level: f"risk-{level}" for level in (MAJOR, SIGNIFICANT, GENERAL, LOW)}
# Cell colours of the heat map (red / orange / yellow / blue).
LEVEL_HEX = {MAJOR: "#dc3545", SIGNIFICANT: "#fd7e14", GENERAL: "#ffc107", LOW: "#0d6efd"}
LEVEL_TEXT = {MAJOR: "#fff", SIGNIFICANT: "#fff", GENERAL: "#212529", LOW: "#fff"}
HIGH_LEVELS = (MAJOR, SIGNIFICANT)
DEFAULT_CUTOFFS = {MAJOR: 15, SIGNIFICANT: 10, GENERAL: 5}


def cutoffs():
    configured = {**DEFAULT_CUTOFFS, **(getattr(settings, "AUDITS_RISK_CUTOFFS", None) or {})}
    values = {key: int(configured[key]) for key in DEFAULT_CUTOFFS}
    if not (values[MAJOR] > values[SIGNIFICANT] > values[GENERAL] >= 1):
        raise ValueError(f"AUDITS_RISK_CUTOFFS must satisfy major > significant > general ≥ 1: {values}")
    return values


def level_for(score):
    limits = cutoffs()
    for level in (MAJOR, SIGNIFICANT, GENERAL):
        if score >= limits[level]:
            return level
    return LOW


def score_range(level):
    """(lowest, highest) score of a level, for filtering on the stored score."""
    limits = cutoffs()
    bounds = {
        MAJOR: (limits[MAJOR], 25),
        SIGNIFICANT: (limits[SIGNIFICANT], limits[MAJOR] - 1),
        GENERAL: (limits[GENERAL], limits[SIGNIFICANT] - 1),
        LOW: (1, limits[GENERAL] - 1),
    }
    return bounds[level]


def level_q(*levels):
    query = Q(pk__in=[])
    for level in levels:
        low, high = score_range(level)
        query |= Q(score__gte=low, score__lte=high)
    return query


def level_expression():
    limits = cutoffs()
    return Case(
        When(score__gte=limits[MAJOR], then=Value(MAJOR)),
        When(score__gte=limits[SIGNIFICANT], then=Value(SIGNIFICANT)),
        When(score__gte=limits[GENERAL], then=Value(GENERAL)),
        default=Value(LOW),
        output_field=CharField(),
    )
