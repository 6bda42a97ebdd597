"""Compliance evidence kinds the governance records provide (registered from
``AuditsConfig.ready``), each one query whatever the number of clauses naming it:

- ``officer_roster`` (2 §1): current appointments against 1 专职 + 3 兼职;
- ``log_sources`` (2 §5, 8 §1): every registered log source keeps ≥ ``min`` days and was
  verified within AUDITS_LOG_VERIFY_DAYS;
- ``privileged_passwords`` (5 §4): no active privileged account past its password interval.
"""

from szmz_security.compliance.evidence import Ref, Result, Status, register

from . import governance
from .models import LogSource, PrivilegedAccount


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
