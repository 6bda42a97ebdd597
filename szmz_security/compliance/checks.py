"""Built-in evidence kinds that read the portal's own configuration: settings, the password
policy, the audit log's fields, a role's headcount. Configuration is not evidence of the bureau's
systems: a framework file names these items ``precondition = true``, shown beside the status
(and spoiling it when unmet), never making a clause met by themselves (DESIGN.md §6)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import NoReverseMatch, reverse

from szmz_security.org.models import display_name
from szmz_security.org.roles import ROLES_BY_CODE

from .evidence import Ref, Result, Status, register, resolve_model


@register("setting")
def evaluate_settings(items, ctx):
    """A setting compared with ``min`` / ``max``; a per-class dict (AUDIT_RETENTION_DAYS) by its
    weakest value."""
    results = {}
    for item in items:
        spec = item.spec
        name = spec.get("setting", "")
        value = getattr(settings, name, None)
        if value is None:
            results[item.key] = Result(Status.NO_EVIDENCE, f"未配置 {name}。")
            continue
        detail = ""
        if isinstance(value, dict):
            detail = "，".join(f"{k} {v}" for k, v in sorted(value.items()))
            value = min(value.values()) if "min" in spec else max(value.values())
        shown = f"{name} = {value}" + (f"（{detail}）" if detail else "")
        if "min" in spec and value < spec["min"]:
            results[item.key] = Result(Status.OVERDUE, f"{shown}，低于要求的 {spec['min']}。")
        elif "max" in spec and value > spec["max"]:
            results[item.key] = Result(Status.OVERDUE, f"{shown}，高于允许的 {spec['max']}。")
        else:
            bound = f"不低于 {spec['min']}" if "min" in spec else f"不高于 {spec.get('max')}"
            results[item.key] = Result(Status.MET, f"{shown}，符合要求（{bound}）。")
    return results


@register("role_headcount")
def evaluate_role_headcount(items, ctx):
    """Active holders of a role (``role`` code) against ``min`` (2 §1: 1 full-time and 3
    part-time security officers). One query for every role named."""

    names = {
        item.spec["role"]: ROLES_BY_CODE[item.spec["role"]].name
        for item in items
        if item.spec.get("role") in ROLES_BY_CODE
    }
    users = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names.values())
        .select_related("profile")
        .annotate(role_name=F("groups__name"))
        .order_by("username")
    )
    results = {}
    for item in items:
        role = item.spec.get("role")
        if role not in names:
            results[item.key] = Result(Status.NO_EVIDENCE, f"未知角色 {role!r}。")
            continue
        holders = [u for u in users if u.role_name == names[role]]
        refs = [Ref(title=display_name(u), source=names[role]) for u in holders] if ctx.with_refs else []
        wanted = item.spec.get("min", 1)
        if len(holders) < wanted:
            results[item.key] = Result(
                Status.OVERDUE, f"现有{names[role]} {len(holders)} 人，应不少于 {wanted} 人。", refs
            )
        else:
            results[item.key] = Result(
                Status.MET, f"现有{names[role]} {len(holders)} 人（要求不少于 {wanted} 人）。", refs
            )
    return results


@register("password_policy")
def evaluate_password_policy(items, ctx):
    """The portal's own password policy (6 §8): minimum length, common and numeric passwords
    refused, lock-out after repeated failures."""
    validators = {
        v["NAME"].rsplit(".", 1)[-1]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS
    }
    # Any validator with a min_length option sets the floor (Django's or the portal's own).
    length = max((options.get("min_length", 0) for options in validators.values()), default=0)
    lockout = getattr(settings, "AXES_FAILURE_LIMIT", 0)
    max_age = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0)
    missing = []
    if length < 8:
        missing.append("密码最小长度不足 8 位")
    if "CommonPasswordValidator" not in validators:
        missing.append("未拒绝常见密码")
    if not lockout:
        missing.append("未启用失败锁定")
    if missing:
        status, reason = Status.OVERDUE, "平台密码策略不足：" + "；".join(missing) + "。"
    else:
        renewal = f"密码最长使用 {max_age} 天，到期须先更改" if max_age else "未设置密码最长使用期限"
        status, reason = (
            Status.MET,
            f"平台密码至少 {length} 位，拒绝常见密码；连续 {lockout} 次登录失败即锁定；{renewal}。",
        )
    return {item.key: Result(status, reason) for item in items}


@register("audit_log_fields")
def evaluate_audit_log_fields(items, ctx):
    """The portal's audit log records time, user, event type and outcome (等保 8.1.4.3)."""
    model = resolve_model("auditlog.AuditEvent")
    required = {"at": "时间", "user": "用户", "kind": "事件类型", "outcome": "结果"}
    if model is None:
        return {item.key: Result(Status.NO_EVIDENCE, "审计日志模块未启用。") for item in items}
    names = {f.name for f in model._meta.get_fields()}
    missing = [label for name, label in required.items() if name not in names]
    if missing:
        result = Result(Status.OVERDUE, "审计记录缺少字段：" + "、".join(missing) + "。")
    else:
        retention = getattr(settings, "AUDIT_RETENTION_DAYS", {})
        days = min(retention.values()) if isinstance(retention, dict) and retention else retention
        result = Result(
            Status.MET,
            f"平台审计日志记录时间、用户、事件类型与结果（登录、登录失败、查看敏感记录、导出、打印），"
            f"只读不可修改，保存 {days} 天。",
            [Ref(title="审计日志", url=_safe_reverse("auditlog:auditevent_list"), source="审计日志")],
        )
    return {item.key: Result(result.status, result.reason, list(result.refs)) for item in items}


def _safe_reverse(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
