"""Compliance evidence kinds the governance records provide (registered from
``AuditsConfig.ready``), each one query whatever the number of clauses naming it:

- ``officer_roster`` (2 §1): current appointments against 1 专职 + 3 兼职;
- ``log_sources`` (2 §5, 8 §1): every registered log source keeps ≥ ``min`` days and was
  verified within AUDITS_LOG_VERIFY_DAYS;
- ``privileged_passwords`` (5 §4): no active privileged account past its password interval;
- ``officer_training`` (9 §1): every officer in office attended a training session in each year;
- ``staff_training`` (9 §2): every active member of staff attended one in each year.

The two training kinds are judged per year like any periodic item (``compliance/periods.py``).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from szmz_security.compliance.evidence import Ref, Result, Status, register
from szmz_security.compliance.periods import Outcome, Period, period_result, period_start
from szmz_security.org.models import display_name

from . import services as governance
from .models import Attendance, LogSource, OfficerAppointment, PrivilegedAccount

YEARLY = "yearly"


@register("officer_roster")
def evaluate_officer_roster(items, ctx):
    status = governance.roster_status(ctx.today)
    refs = []
    if ctx.with_refs:
        refs = [
            Ref(title=str(a), date=a.appointed_on, url=a.get_absolute_url(), source="安全员名册")
            for a in governance.current_appointments(today=ctx.today).select_related("person__profile")
        ]
    if status["problems"]:
        result = Result(Status.OVERDUE, "安全员配备不足：" + "；".join(status["problems"]) + "。", refs)
    else:
        result = Result(
            Status.MET, f"在任专职安全员 {status['full_time']} 人、兼职 {status['part_time']} 人。", refs
        )
    return {item.key: result for item in items}


@register("log_sources")
def evaluate_log_sources(items, ctx):
    sources = list(LogSource.objects.order_by("system"))
    results = {}
    for item in items:
        floor = item.spec.get("min", governance.LOG_RETENTION_FLOOR)
        if not sources:
            results[item.key] = Result(Status.NO_EVIDENCE, "尚未登记系统日志来源。", empty=True)
            continue
        short = [s for s in sources if s.retention_days < floor]
        stale = [s for s in sources if any("核查" in f for f in governance.log_source_flags(s, ctx.today))]
        refs = (
            [
                Ref(title=str(s), date=s.last_verified_on, url=s.get_absolute_url(), source="日志来源")
                for s in sources
            ]
            if ctx.with_refs
            else []
        )
        if short:
            names = "、".join(s.system for s in short[:3])
            results[item.key] = Result(
                Status.OVERDUE, f"{len(short)} 个日志来源保存期少于 {floor} 天（{names}）。", refs
            )
        elif stale:
            names = "、".join(s.system for s in stale[:3])
            results[item.key] = Result(
                Status.DUE_SOON, f"{len(stale)} 个日志来源核查已过期（{names}）。", refs
            )
        else:
            results[item.key] = Result(
                Status.MET, f"{len(sources)} 个日志来源均保存 {floor} 天以上并按期核查。", refs
            )
    return results


@register("privileged_passwords")
def evaluate_privileged_passwords(items, ctx):
    accounts = list(
        PrivilegedAccount.objects.filter(active=True).only(
            "pk", "system", "account_name", "password_due_on", "department_id"
        )
    )
    overdue = [a for a in accounts if a.password_due_on and a.password_due_on < ctx.today]
    refs = (
        [
            Ref(title=str(a), date=a.password_due_on, url=a.get_absolute_url(), source="特权账号")
            for a in overdue
        ]
        if ctx.with_refs
        else []
    )
    if not accounts:
        result = Result(Status.NO_EVIDENCE, "尚未登记特权账号。", empty=True)
    elif overdue:
        names = "、".join(str(a) for a in overdue[:3])
        result = Result(Status.OVERDUE, f"{len(overdue)} 个特权账号密码逾期未更换（{names}）。", refs)
    else:
        result = Result(Status.MET, f"{len(accounts)} 个特权账号均已审批登记，密码按期更换。", refs)
    return {item.key: result for item in items}


def _attended_years(users, ctx):
    """{user pk: {first day of each year with a session attended}} since the window's first year."""
    first = period_start(ctx.since_date, YEARLY)
    attended = {}
    for user_id, held_on in Attendance.objects.filter(
        user_id__in=users, attended=True, session__held_on__gte=first, session__held_on__lte=ctx.today
    ).values_list("user_id", "session__held_on"):
        attended.setdefault(user_id, set()).add(period_start(held_on, YEARLY))
    return attended


def _training_result(expected, attended, ctx, names, what):
    """``expected``: {year start: set of user pks who should have been trained that year}."""
    periods, missing_now = [], []
    for start in sorted(expected):
        people = expected[start]
        missing = [u for u in people if start not in attended.get(u, ())]
        ended = start.replace(year=start.year + 1) <= ctx.today
        if not missing:
            outcome = Outcome.ON_TIME
        else:
            outcome = Outcome.MISSED if ended else Outcome.PENDING
            if not ended:
                missing_now = missing
        periods.append(Period(start, YEARLY, outcome))
    result = period_result(periods, YEARLY, ctx.today, due_soon_days=30, what=what)
    if missing_now:
        shown = "、".join(names[u] for u in missing_now[:5]) + (
            f" 等 {len(missing_now)} 人" if len(missing_now) > 5 else ""
        )
        result.reason += f"本年尚未参加培训：{shown}。"
    return result


def _years(ctx):
    start = period_start(ctx.since_date, YEARLY)
    years = []
    while start <= ctx.today:
        years.append(start)
        start = start.replace(year=start.year + 1)
    return years


@register("officer_training")
def evaluate_officer_training(items, ctx):
    appointments = list(
        OfficerAppointment.objects.filter(appointed_on__lte=ctx.today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period_start(ctx.since_date, YEARLY)))
        .select_related("person__profile")
    )
    expected = {}
    for year in _years(ctx):
        last = min(year.replace(month=12, day=31), ctx.today)
        expected[year] = {
            a.person_id
            for a in appointments
            if a.appointed_on <= last and (a.ended_on is None or a.ended_on >= last)
        }
    names = {a.person_id: display_name(a.person) for a in appointments}
    if not any(expected.values()):
        result = Result(Status.NO_EVIDENCE, "评估期内无在任安全员，无法核查其培训。", empty=True)
    else:
        expected = {year: people for year, people in expected.items() if people}
        result = _training_result(expected, _attended_years(names, ctx), ctx, names, "安全员培训记录")
    return {item.key: result for item in items}


@register("staff_training")
def evaluate_staff_training(items, ctx):
    staff = list(
        get_user_model().objects.filter(is_active=True, date_joined__lte=ctx.as_of).select_related("profile")
    )
    names = {u.pk: display_name(u) for u in staff}
    expected = {}
    for year in _years(ctx):
        last = min(year.replace(month=12, day=31), ctx.today)
        expected[year] = {u.pk for u in staff if u.date_joined.date() <= last}
    expected = {year: people for year, people in expected.items() if people}
    if not expected:
        result = Result(Status.NO_EVIDENCE, "评估期内无在职人员。", empty=True)
    else:
        result = _training_result(expected, _attended_years(names, ctx), ctx, names, "干部职工培训记录")
    return {item.key: result for item in items}
