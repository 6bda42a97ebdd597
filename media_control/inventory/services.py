"""The annual inventory (清点, chapter 6 §5; 保密工作制度): a department's inventory with its
obligation and a line per medium, each line confirmed present or reported lost, then signed."""

from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.org.access import can
from szmz_security.org.models import Department, display_name

from ..ledger.models import Medium
from ..ledger.services import ensure_lines, headed_departments
from ..movements.services import report_lost
from .models import Inventory, InventoryLine

INVENTORY_KIND = "media.inventory"
INVENTORY_CLAUSE = "市民政局制度 第六章第5条；保密工作制度（年度清点）"

Status = Medium.Status


def inventory_departments(user):
    """Departments whose inventory the user may open: heads' own, all for officers."""
    if user.has_perm("media_control.add_inventory"):
        return Department.objects.filter(is_active=True)
    return headed_departments(user).filter(is_active=True)


def inventory_due_at(year):
    month, day = (int(part) for part in settings.MEDIA_INVENTORY_DUE.split("-"))
    return timezone.make_aware(datetime.combine(datetime(year, month, day).date(), time(23, 59)))


@transaction.atomic
def ensure_inventory(department, year):
    """This year's inventory of the department, with its obligation and a line per medium
    (idempotent)."""
    inventory, created = Inventory.objects.get_or_create(department=department, year=year)
    if created:
        inventory.obligation = obligations.create_obligation(
            title=f"{year}年度移动介质清点：{department}",
            kind=INVENTORY_KIND,
            clause=INVENTORY_CLAUSE,
            due_at=inventory_due_at(year),
            department=department,
            subject=inventory,
            restricted=False,
            notify_roles=("secrecy_office",),
            escalate_roles=("security_officer",),
        )
        inventory._change_reason = "建立年度清点"
        inventory.save()
    if not inventory.is_signed:
        ensure_lines(inventory)
    return inventory, created


def ensure_inventory_obligations(year=None):
    """The beat task: this year's inventory for every department holding media (idempotent)."""
    year = year or timezone.localdate().year
    departments = Department.objects.filter(
        pk__in=Medium.objects.filter(status__in=Medium.PRESENT_STATUSES).values("department")
    )
    created = []
    for department in departments:
        inventory, new = ensure_inventory(department, year)
        if new:
            created.append(inventory)
    return created


def can_record_line(user, line):
    medium = line.medium
    if not can(user, "view", medium):
        return False
    return medium.custodian_id == user.pk or can(user, "change", line.inventory)


@transaction.atomic
def record_line(line, *, by, result, note=""):
    line = InventoryLine.objects.select_for_update().select_related("inventory", "medium").get(pk=line.pk)
    if line.inventory.is_signed:
        raise ValidationError("清点已签署，不能再修改。")
    if not can_record_line(by, line):
        raise PermissionDenied("须由保管人、处室负责人或安全员、保密办清点该介质。")
    if result == InventoryLine.Result.PRESENT:
        if line.medium.status in (Status.LOST, Status.DESTROYED):
            raise ValidationError(
                {"result": f"该介质已为“{line.medium.get_status_display()}”，不能确认在位。"}
            )
    elif result == InventoryLine.Result.LOST:
        if line.medium.status != Status.LOST:
            report_lost(
                line.medium, by=by, description=note or f"{line.inventory.year}年度清点时未找到该介质。"
            )
    else:
        raise ValidationError({"result": "请选择清点结果。"})
    line.result, line.checked_by, line.checked_at, line.note = (
        result,
        by,
        timezone.now(),
        (note or "").strip(),
    )
    line._change_reason = f"清点：{line.get_result_display()}"
    line.save()
    return line


@transaction.atomic
def sign_inventory(inventory, *, by, note=""):
    """Signing needs every medium of the department accounted for (present or reported lost); it
    meets the year's obligation, and the signed inventory is the evidence."""
    inventory = Inventory.objects.select_for_update().get(pk=inventory.pk)
    if inventory.is_signed:
        raise ValidationError("该清点已签署。")
    if not can(by, "change", inventory):
        raise PermissionDenied("须由处室负责人或安全员、保密办签署清点。")
    ensure_lines(inventory)
    pending = inventory.lines.filter(result=InventoryLine.Result.PENDING).count()
    if pending:
        raise ValidationError(
            f"还有 {pending} 件介质未清点（含涉密介质，须由其保管人或保密办确认），不能签署。"
        )
    now = timezone.now()
    inventory.state = Inventory.State.SIGNED
    inventory.signed_by, inventory.signed_at, inventory.note = by, now, (note or "").strip()
    inventory._change_reason = "签署清点"
    inventory.save()
    present = inventory.lines.filter(result=InventoryLine.Result.PRESENT).count()
    lost = inventory.lines.filter(result=InventoryLine.Result.LOST).count()
    if inventory.obligation_id and inventory.obligation.is_open:
        obligations.meet(
            inventory.obligation,
            by=by,
            evidence=f"{display_name(by)} 于 {timezone.localtime(now):%Y-%m-%d %H:%M} 签署清点：在位 {present} 件，遗失 {lost} 件",
            at=now,
        )
    return inventory
