"""The ledger's rules: who is who around a medium; registering, changing and deleting one. Refusals:
``ValidationError`` naming the field (400), ``PermissionDenied`` (403), each in one transaction."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.org.access import MANAGE_DEPARTMENT_PERMISSION, can
from szmz_security.org.models import Department
from szmz_security.org.roles import DEPARTMENT_HEAD, SECRECY_OFFICE

from ..inventory.models import Inventory, InventoryLine
from .models import DESTROYED_MESSAGE, Medium, format_number, next_number

Status = Medium.Status

__all__ = ["format_number", "next_number"]


# --- who ------------------------------------------------------------------------------------------


def has_role(user, role):
    return user.is_authenticated and user.groups.filter(name=role.name).exists()


def is_secrecy_office(user):
    return has_role(user, SECRECY_OFFICE)


def headed_departments(user):
    """The departments whose 处室负责人 the user is (the manage permission and membership)."""
    if not user.is_authenticated or not user.has_perm(MANAGE_DEPARTMENT_PERMISSION):
        return Department.objects.none()
    return Department.objects.of_user(user)


def is_head_of(user, department):
    """处室负责人 of the department: the manage permission and membership (publishing's rule)."""
    return headed_departments(user).filter(pk=department.pk).exists()


def heads_of(department):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=DEPARTMENT_HEAD.name)
        .filter(groups=department.group)
        .distinct()
    )


def secrecy_officers():
    return get_user_model().objects.filter(is_active=True, groups__name=SECRECY_OFFICE.name).distinct()


def can_manage(user, medium):
    """Who may hand a medium out, take it back and report it lost: its custodian, and whoever may
    change it under the access rule (its department's head for an unclassified one, officers and
    the secrecy office for all)."""
    return medium.custodian_id == user.pk or can(user, "change", medium)


def refuse_destroyed(medium):
    if medium.is_destroyed or medium.stored_status() == Status.DESTROYED:
        raise ValidationError(DESTROYED_MESSAGE)


def lock_medium(medium):
    locked = Medium.objects.select_for_update().get(pk=medium.pk)
    refuse_destroyed(locked)
    return locked


# --- the ledger -----------------------------------------------------------------------------------


@transaction.atomic
def save_medium(medium, *, by, reason=""):
    """Register or change a medium (forms and API alike): every rule of the ledger, then save."""
    if medium.pk:
        refuse_destroyed(medium)
    errors = medium.rule_errors()
    if errors:
        raise ValidationError(errors)
    creating = medium.pk is None
    medium._change_reason = reason or ("登记介质" if creating else "修改介质信息")
    medium.save()
    # A medium registered during this year's inventory is counted in it too.
    for inventory in Inventory.objects.filter(department=medium.department, state=Inventory.State.OPEN):
        ensure_lines(inventory)
    return medium


def is_deletable(medium):
    return (
        not medium.is_destroyed
        and medium.incident_id is None
        and not medium.checkouts.exists()
        and not medium.repairs.exists()
        and not medium.destructions.exists()
        and not medium.inventory_lines.exists()
    )


@transaction.atomic
def delete_medium(medium, *, by):
    """Only a medium registered by mistake (no movement, inventory or incident) may be deleted:
    the ledger is the evidence. A destroyed medium is kept, read-only."""
    if not can(by, "delete", medium):
        raise PermissionDenied
    medium = lock_medium(medium)
    if not is_deletable(medium):
        raise ValidationError("该介质已有借用、维修、销毁或清点记录，不能删除；不再使用的介质请走销毁流程。")
    medium.delete()


def present_media(department):
    return Medium.objects.filter(department=department, status__in=Medium.PRESENT_STATUSES)


def ensure_lines(inventory):
    """A line for every medium the department holds; media reported lost since count as lost,
    media destroyed since leave the inventory (their destruction record accounts for them)."""
    have = set(inventory.lines.values_list("medium_id", flat=True))
    missing = present_media(inventory.department).exclude(pk__in=have).values_list("pk", flat=True)
    InventoryLine.objects.bulk_create([InventoryLine(inventory=inventory, medium_id=pk) for pk in missing])
    pending = inventory.lines.filter(result=InventoryLine.Result.PENDING)
    pending.filter(medium__status=Status.DESTROYED).delete()
    for line in pending.filter(medium__status=Status.LOST).select_related("medium"):
        line.result = InventoryLine.Result.LOST
        line.note = "已报告遗失"
        line.checked_at = timezone.now()
        line.save()
