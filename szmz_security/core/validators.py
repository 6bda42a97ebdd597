"""Plausible ranges for what people type (README "Browser and input"): one module, used on the
model fields (so the screens, the API and the imports all get them) and on the few form and
serializer fields that have no model field behind them.

Dates: nothing before 2000-01-01 (the bureau's records start there; older input is a typo such as
1899-12-31 or 0026), nothing past 2099; an event that has happened (discovery, purchase, access,
sending …) is at most a day ahead of now, which allows for a clock or a time zone slightly off.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
AHEAD = timedelta(days=1)


def _as_local_date(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def validate_plausible_date(value):
    """A date or time in the portal's lifetime: 2000-01-01 to 2099-12-31 (deadlines, planned dates)."""
    if value is None:
        return
    day = _as_local_date(value)
    if day < EARLIEST:
        raise ValidationError(f"日期不能早于 {EARLIEST:%Y-%m-%d}。", code="too_early")
    if day > LATEST:
        raise ValidationError(f"日期不能晚于 {LATEST:%Y-%m-%d}。", code="too_late")


def validate_happened(value):
    """An event that has happened: from 2000-01-01 to at most a day from now."""
    if value is None:
        return
    validate_plausible_date(value)
    if isinstance(value, datetime):
        now = timezone.now() if timezone.is_aware(value) else datetime.now()
        if value > now + AHEAD:
            raise ValidationError(
                "时间不能晚于当前时间（最多超前一天）：已发生的事项请填写实际时间。", code="future"
            )
    elif value > timezone.localdate() + AHEAD:
        raise ValidationError("日期不能晚于今天（最多超前一天）：已发生的事项请填写实际日期。", code="future")


def earliest_datetime():
    return timezone.make_aware(datetime.combine(EARLIEST, time.min))


def validate_year(value):
    """A calendar year of the portal's lifetime (annual inventories, quarterly reviews)."""
    if value is not None and not EARLIEST.year <= value <= LATEST.year:
        raise ValidationError(f"年度须在 {EARLIEST.year}–{LATEST.year} 之间。", code="year")


# Most people one incident can concern: more than the country's population is a typo.
MAX_PEOPLE = 2_000_000_000
# Longest retention, password or review interval in days that is plausible (ten years).
MAX_DAYS = 3650
