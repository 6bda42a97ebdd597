"""Giving and taking roles (#21): the security administrator's duty, never on its own account.

Every change is an audit event and an entry of the user's history (their staff profile's
simple-history, with the change as its reason). Portal, API and the Django admin all go through
``assign_roles`` or ``refuse_own_change``.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record

from .models import StaffProfile
from .roles import ROLES, ROLES_BY_CODE, user_role_codes

ASSIGN_ROLES_PERMISSION = "org.assign_roles"


def refuse_own_change(actor, user):
    if actor.pk == user.pk:
        raise PermissionDenied("不能修改自己的角色或授权。")


def may_assign_roles(actor, user=None):
    if not actor.is_authenticated or not actor.has_perm(ASSIGN_ROLES_PERMISSION):
        return False
    return user is None or actor.pk != user.pk


def assign_roles(actor, user, codes, *, request=None):
    """Set ``user``'s roles to ``codes`` (the role groups only; departments stay)."""
    if not actor.has_perm(ASSIGN_ROLES_PERMISSION):
        raise PermissionDenied("只有安全管理员可以分配角色。")
    refuse_own_change(actor, user)
    before = set(user_role_codes(user))
    wanted = set(codes)
    added, removed = wanted - before, before - wanted
    if not added and not removed:
        return False
    with transaction.atomic():
        user.groups.remove(*Group.objects.filter(name__in=[ROLES_BY_CODE[c].name for c in removed]))
        user.groups.add(*Group.objects.filter(name__in=[ROLES_BY_CODE[c].name for c in added]))
        # The Django admin opens to administrator roles only: staff status follows the roles.
        is_staff = any(ROLES_BY_CODE[c].admin_site for c in wanted)
        if user.is_staff != is_staff and not user.is_superuser:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        record_role_change(actor, user, added, removed, request=request)
    return True


def record_role_change(actor, user, added, removed, *, request=None):
    """The audit event and the history entry of a role change (also used by the admin)."""
    names = [role.name for role in ROLES]

    def labels(codes):
        return sorted((ROLES_BY_CODE[c].name for c in codes), key=names.index)

    reason = "角色变更：" + "；".join(
        part
        for part in (
            "增加 " + "、".join(labels(added)) if added else "",
            "撤销 " + "、".join(labels(removed)) if removed else "",
        )
        if part
    )
    record(
        AuditEvent.Kind.PERMISSION,
        request=request,
        user=actor,
        obj=user,
        action="roles",
        added=sorted(added),
        removed=sorted(removed),
    )
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    bulk_update_with_history(
        [profile], StaffProfile, ["full_name"], default_user=actor, default_change_reason=reason[:100]
    )
