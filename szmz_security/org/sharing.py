"""Who can see a record and why, and granting or revoking it (the sharing screen, #13 and #21).

One service for every department-owned record. Grants are guardian "view" rows (the access rule's
third branch, org/access.py): to a person, or to a department's group. Who may grant:
  - the 保密办 (``org.share_restricted_records``) on restricted records;
  - the head of the owning department (处室负责人) on its ordinary records;
  - the 安全管理员 (``org.share_any_record``) on any record — which does not let it read one.
Nobody grants to or revokes from themselves or a department they belong to. Each grant and
revocation is an audit event and a history entry (change reason) of the record.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from guardian.shortcuts import get_groups_with_perms, get_users_with_perms
from simple_history.utils import bulk_update_with_history

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record

from .access import MANAGE_DEPARTMENT_PERMISSION, READ_RESTRICTED_PERMISSION, global_permission, grant, revoke
from .models import Department, display_name
from .roles import ROLES

SHARE_ANY_PERMISSION = "org.share_any_record"
SHARE_RESTRICTED_PERMISSION = "org.share_restricted_records"


def may_share(user, obj):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(SHARE_ANY_PERMISSION):
        return True
    if obj.is_restricted():
        return user.has_perm(SHARE_RESTRICTED_PERMISSION)
    return (
        user.has_perm(MANAGE_DEPARTMENT_PERMISSION)
        and Department.objects.of_user(user).filter(pk=obj.department_id).exists()
    )


def who_can_see(obj):
    """Rows of (who, why, reads content) for the record: roles, the department, grants."""
    model = type(obj)
    view = global_permission(model, "view")
    app_label, codename = view.split(".")
    restricted = obj.is_restricted()
    rows = []
    role_names = {role.name for role in ROLES}
    holders = Group.objects.filter(
        name__in=role_names, permissions__content_type__app_label=app_label, permissions__codename=codename
    )
    readers = set(
        Group.objects.filter(
            name__in=role_names,
            permissions__content_type__app_label="org",
            permissions__codename=READ_RESTRICTED_PERMISSION.split(".")[1],
        ).values_list("name", flat=True)
    )
    for group in holders.order_by("name"):
        rows.append((f"角色：{group.name}", "全局查看权限", not restricted or group.name in readers))
    if not restricted:
        rows.append((f"部门：{obj.department}", "所属部门的全体成员", True))
    grantees = get_users_with_perms(
        obj, with_group_users=False, with_superusers=False, only_with_perms_in=[codename]
    ).select_related("profile")
    for user in grantees:
        rows.append((f"人员：{display_name(user)}（{user.get_username()}）", "单独授权", True))
    for group in get_groups_with_perms(obj).filter(department__isnull=False).select_related("department"):
        rows.append((f"部门：{group.department}", "授权给部门", True))
    return rows


def grants_of(obj):
    """The record's revocable grants: ("user", user) and ("department", department) pairs."""
    codename = global_permission(type(obj), "view").split(".")[1]
    users = get_users_with_perms(
        obj, with_group_users=False, with_superusers=False, only_with_perms_in=[codename]
    )
    departments = Department.objects.filter(group__in=get_groups_with_perms(obj))
    return [("user", user) for user in users.select_related("profile")] + [
        ("department", department) for department in departments
    ]


def _check(actor, obj, grantee):
    if not may_share(actor, obj):
        raise PermissionDenied("您没有权限为该记录授权。")
    if isinstance(grantee, Department):
        if Department.objects.of_user(actor).filter(pk=grantee.pk).exists():
            raise ValidationError({"department": "不能为自己所在的部门授权或撤销授权。"})
    elif grantee.pk == actor.pk:
        raise ValidationError({"username": "不能为自己授权或撤销授权。"})


def _who(grantee):
    return grantee.group if isinstance(grantee, Department) else grantee


def _label(grantee):
    return (
        f"部门“{grantee}”"
        if isinstance(grantee, Department)
        else f"{display_name(grantee)}（{grantee.get_username()}）"
    )


def _log(actor, obj, action, grantee, request):
    reason = f"{'授权' if action == 'grant' else '撤销授权'}：{_label(grantee)} 查看"
    record(
        AuditEvent.Kind.PERMISSION,
        request=request,
        user=actor,
        obj=obj,
        action=action,
        grantee_type="department" if isinstance(grantee, Department) else "user",
        grantee=grantee.pk,
        grantee_name=str(grantee) if isinstance(grantee, Department) else grantee.get_username(),
    )
    # A history entry with the reason, no field changed (simple-history records the acting user).
    field = type(obj)._meta.get_field("department").attname
    bulk_update_with_history(
        [obj], type(obj), [field], default_user=actor, default_change_reason=reason[:100]
    )


def share(actor, obj, grantee, *, request=None):
    """Grant ``grantee`` (a user or a Department) the view of ``obj``."""
    _check(actor, obj, grantee)
    if isinstance(grantee, get_user_model()) and not grantee.is_active:
        raise ValidationError({"username": "该账户已停用。"})
    with transaction.atomic():
        grant("view", _who(grantee), obj)
        _log(actor, obj, "grant", grantee, request)


def unshare(actor, obj, grantee, *, request=None):
    _check(actor, obj, grantee)
    with transaction.atomic():
        revoke("view", _who(grantee), obj)
        _log(actor, obj, "revoke", grantee, request)


MARK_PERMISSION = "org.mark_need_to_know"


def may_mark(user, obj):
    """The security administrator marks records need-to-know (or lifts its own marking)."""
    return user.is_authenticated and user.has_perm(MARK_PERMISSION) and hasattr(obj, "need_to_know_marked")


def mark_need_to_know(actor, obj, marked, *, request=None):
    """Mark ``obj`` need-to-know, or lift the marking. What the record itself implies (a secret
    leak, a classified medium) stays restricted: only a marking can be lifted."""
    if not may_mark(actor, obj):
        raise PermissionDenied("您没有权限标记该记录的知悉范围。")
    if not marked and obj.implied_restricted():
        raise ValidationError("该记录本身属于知悉范围受限（泄密事件或涉密介质），不能取消。")
    if obj.need_to_know_marked == marked:
        return
    with transaction.atomic():
        obj.need_to_know_marked = marked
        obj.restricted = marked or obj.implied_restricted()
        obj._change_reason = "标记为知悉范围受限" if marked else "取消知悉范围受限标记"
        obj.save()
        record(
            AuditEvent.Kind.PERMISSION,
            request=request,
            user=actor,
            obj=obj,
            action="mark" if marked else "unmark",
        )
