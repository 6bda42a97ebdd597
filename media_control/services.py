"""Removable-media rules: numbering, the check-out approval chain, loss, the annual inventory,
external repair and destruction (chapter 6 §4–5, §7; 保守国家秘密法).

Views, the API, the beat task and the tests call these. A refusal in the wrong state or with bad
input is a ``ValidationError`` naming the field (400), by the wrong person a ``PermissionDenied``
(403), both with a Chinese message. Each function runs in one transaction and locks the rows it
moves, so nothing is half-saved and two clicks never hand a medium out twice.
"""

import mimetypes
from datetime import datetime, time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.core.choices import NetworkZone
from szmz_security.core.uploads import check_upload
from szmz_security.obligations import services as obligations
from szmz_security.org.access import MANAGE_DEPARTMENT_PERMISSION, can, grant, revoke
from szmz_security.org.models import Department, display_name
from szmz_security.org.roles import DEPARTMENT_HEAD, SECRECY_OFFICE

from .models import (
    DESTROYED_MESSAGE,
    Checkout,
    DestructionRequest,
    Inventory,
    InventoryLine,
    MediaNumberCounter,
    Medium,
    RepairRequest,
    SecrecyLevel,
)

RETURN_KIND = "media.return"
RETURN_CLAUSE = "市民政局制度 第六章第5条（涉密介质登记管理）"
INVENTORY_KIND = "media.inventory"
INVENTORY_CLAUSE = "市民政局制度 第六章第5条；保密工作制度（年度清点）"

CHANGE_MEDIUM = "media_control.change_medium"
APPROVE_REPAIR = "media_control.approve_repairrequest"
APPROVE_DESTRUCTION = "media_control.approve_destructionrequest"

Status = Medium.Status
State = Checkout.State


# --- numbering ------------------------------------------------------------------------------------


def format_number(type_code, year, seq):
    return settings.MEDIA_NUMBER_FORMAT.format(type=type_code, year=year, seq=seq)


def next_number(medium_type, year):
    """The next free number of the scheme for (type, year). The counter row is locked for the
    rest of the caller's transaction, so concurrent registrations queue instead of colliding; a
    number already taken by hand is skipped."""
    type_code = Medium.TYPE_CODES.get(medium_type, "X")
    with transaction.atomic():
        MediaNumberCounter.objects.get_or_create(type_code=type_code, year=year)
        counter = MediaNumberCounter.objects.select_for_update().get(type_code=type_code, year=year)
        while True:
            counter.last += 1
            number = format_number(type_code, year, counter.last)
            if not Medium.objects.filter(number=number).exists():
                break
        counter.save(update_fields=["last"])
    return number


# --- who ------------------------------------------------------------------------------------------


def has_role(user, role):
    return user.is_authenticated and user.groups.filter(name=role.name).exists()


def is_secrecy_office(user):
    return has_role(user, SECRECY_OFFICE)


def is_head_of(user, department):
    """处室负责人 of the department: the manage permission and membership (publishing's rule)."""
    if not user.is_authenticated or not user.has_perm(MANAGE_DEPARTMENT_PERMISSION):
        return False
    return Department.objects.of_user(user).filter(pk=department.pk).exists()


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


def sync_custodian_grant(medium, old_custodian_id=None):
    """The custodian holds a view grant on the medium (kept when the medium is classified: the
    custodian is one of its named people); a former custodian's grant is revoked."""
    user_model = get_user_model()
    if old_custodian_id and old_custodian_id != medium.custodian_id:
        old = user_model.objects.filter(pk=old_custodian_id).first()
        if old is not None:
            revoke("view", old, medium)
    if medium.custodian_id:
        grant("view", medium.custodian, medium)


def refuse_destroyed(medium):
    if medium.is_destroyed or medium.stored_status() == Status.DESTROYED:
        raise ValidationError(DESTROYED_MESSAGE)


def _locked(medium):
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
    medium = _locked(medium)
    if not is_deletable(medium):
        raise ValidationError("该介质已有借用、维修、销毁或清点记录，不能删除；不再使用的介质请走销毁流程。")
    medium.delete()


# --- check-out ------------------------------------------------------------------------------------


def check_zone(medium, zone, field="zone"):
    if zone != medium.zone:
        raise ValidationError(
            {
                field: f"该介质只能在{NetworkZone(medium.zone).label}使用，不能用于{NetworkZone(zone).label}"
                "（第六章第4条：严禁移动介质交叉使用）。"
            }
        )


@transaction.atomic
def request_checkout(medium, *, requester, purpose, zone, expected_return_at):
    if not can(requester, "view", medium):
        raise PermissionDenied("您无权查看该介质。")
    if not requester.has_perm("media_control.add_checkout"):
        raise PermissionDenied("您没有申请借用介质的权限。")
    medium = _locked(medium)
    errors = {}
    if not (purpose or "").strip():
        errors["purpose"] = "请填写借用用途。"
    if expected_return_at is None:
        errors["expected_return_at"] = "请填写预计归还时间。"
    elif expected_return_at <= timezone.now():
        errors["expected_return_at"] = "预计归还时间应晚于当前时间。"
    if errors:
        raise ValidationError(errors)
    check_zone(medium, zone)
    if medium.status != Status.IN_STOCK:
        raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能借用。")
    if medium.checkouts.filter(state__in=Checkout.OPEN_STATES).exists():
        raise ValidationError("该介质已有尚未完成的借用申请。")
    checkout = Checkout.objects.create(
        medium=medium,
        requester=requester,
        purpose=purpose.strip(),
        zone=zone,
        expected_return_at=expected_return_at,
    )
    grant("view", requester, medium)
    heads = list(heads_of(medium.department).exclude(pk=requester.pk))
    if medium.restricted:
        # The heads who must approve a classified medium's check-out are told of it (need-to-know).
        for head in heads:
            grant("view", head, medium)
    obligations.notify(
        heads,
        key=f"media.checkout:{checkout.pk}:head",
        title=f"待审批：介质借用 {medium.number}",
        body=f"{display_name(requester)} 申请借用 {medium.number}（{medium.marking}），用途：{checkout.purpose}",
        url=checkout.get_absolute_url(),
    )
    return checkout


def _lock_checkout(checkout):
    locked = Checkout.objects.select_for_update().select_related("medium").get(pk=checkout.pk)
    refuse_destroyed(locked.medium)
    return locked


def can_approve(user, checkout):
    """The next approval this user may give (head, then secrecy office), never on their own request."""
    if not user.is_authenticated or checkout.requester_id == user.pk:
        return False
    if checkout.state == State.PENDING_HEAD:
        return is_head_of(user, checkout.medium.department)
    if checkout.state == State.PENDING_SECRECY:
        return is_secrecy_office(user)
    return False


@transaction.atomic
def approve_checkout(checkout, *, by, comment=""):
    checkout = _lock_checkout(checkout)
    if checkout.state not in Checkout.PENDING_STATES:
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，无需审批。")
    if checkout.requester_id == by.pk:
        raise PermissionDenied("不能审批自己的借用申请。")
    now = timezone.now()
    if checkout.state == State.PENDING_HEAD:
        if not is_head_of(by, checkout.medium.department):
            raise PermissionDenied("须由该介质所属部门的处室负责人审批。")
        checkout.head_approved_by, checkout.head_approved_at = by, now
        checkout.head_comment = comment.strip()
        if checkout.needs_secrecy_office:
            checkout.state = State.PENDING_SECRECY
            obligations.notify(
                secrecy_officers().exclude(pk=checkout.requester_id),
                key=f"media.checkout:{checkout.pk}:secrecy",
                title=f"待保密办审批：介质借用 {checkout.medium.number}",
                body=f"{checkout.medium.marking} 介质借用，处室负责人已同意。",
                url=checkout.get_absolute_url(),
            )
        else:
            checkout.state = State.APPROVED
    else:
        if not is_secrecy_office(by):
            raise PermissionDenied(
                f"{checkout.medium.get_secrecy_level_display()}介质的借用须经保密办审批（处室负责人已审批）。"
            )
        checkout.secrecy_approved_by, checkout.secrecy_approved_at = by, now
        checkout.secrecy_comment = comment.strip()
        checkout.state = State.APPROVED
    checkout._change_reason = f"审批通过：{display_name(by)}"
    checkout.save()
    if checkout.state == State.APPROVED:
        obligations.notify(
            [checkout.requester],
            key=f"media.checkout:{checkout.pk}:approved",
            title=f"借用申请已批准：{checkout.medium.number}",
            body="请向保管人领用介质。",
            url=checkout.get_absolute_url(),
        )
    return checkout


@transaction.atomic
def reject_checkout(checkout, *, by, reason):
    checkout = _lock_checkout(checkout)
    if checkout.state not in (*Checkout.PENDING_STATES, State.APPROVED):
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，不能驳回。")
    if checkout.requester_id == by.pk:
        raise PermissionDenied("不能审批自己的借用申请；如不再需要，请联系保管人。")
    allowed = can_approve(by, checkout) or (
        checkout.state == State.APPROVED and can_manage(by, checkout.medium)
    )
    if not allowed:
        raise PermissionDenied("您不是该申请当前环节的审批人。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写驳回理由。"})
    checkout.state = State.REJECTED
    checkout.rejected_by, checkout.rejected_at, checkout.reject_reason = by, timezone.now(), reason.strip()
    checkout._change_reason = f"驳回：{reason.strip()}"
    checkout.save()
    obligations.notify(
        [checkout.requester],
        key=f"media.checkout:{checkout.pk}:rejected",
        title=f"借用申请被驳回：{checkout.medium.number}",
        body=reason.strip(),
        url=checkout.get_absolute_url(),
    )
    return checkout


@transaction.atomic
def hand_out(checkout, *, by):
    """The custodian (or an officer) hands the approved medium over: it is 借出 and its return is
    an obligation of the requester, with reminders and escalation."""
    checkout = _lock_checkout(checkout)
    medium = _locked(checkout.medium)
    if checkout.state != State.APPROVED:
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，审批完成后才能借出。")
    if not can_manage(by, medium):
        raise PermissionDenied("须由保管人或安全员、保密办发放介质。")
    if medium.status != Status.IN_STOCK:
        raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能借出。")
    check_zone(medium, checkout.zone)
    now = timezone.now()
    due = checkout.expected_return_at
    obligation = obligations.create_obligation(
        title=f"归还移动介质 {medium.number}（{medium.marking}）",
        kind=RETURN_KIND,
        clause=RETURN_CLAUSE,
        due_at=due,
        department=medium.department,
        subject=checkout,
        assignee=checkout.requester,
        restricted=medium.restricted,
        notify_roles=("secrecy_office",) if medium.is_classified else (),
        escalate_roles=("secrecy_office", "security_officer")
        if medium.is_classified
        else ("security_officer",),
    )
    checkout.state = State.CHECKED_OUT
    checkout.handed_out_by, checkout.handed_out_at = by, now
    checkout.obligation = obligation
    checkout._change_reason = "借出"
    checkout.save()
    medium.status = Status.CHECKED_OUT
    medium._change_reason = f"借出给 {display_name(checkout.requester)}（借用申请 #{checkout.pk}）"
    medium.save()
    return checkout


@transaction.atomic
def return_checkout(checkout, *, by, condition, note="", at=None):
    """Record the return with the medium's condition; it meets the return obligation (late when
    after the expected return). A damaged or missing medium can then be reported lost."""
    checkout = _lock_checkout(checkout)
    medium = _locked(checkout.medium)
    if checkout.state != State.CHECKED_OUT:
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，不能登记归还。")
    if not can_manage(by, medium):
        raise PermissionDenied("须由保管人或安全员、保密办登记归还。")
    if condition not in Checkout.Condition.values:
        raise ValidationError({"condition": "请选择归还时的介质状况。"})
    if condition != Checkout.Condition.INTACT and not (note or "").strip():
        raise ValidationError({"note": "介质损坏或缺失时须说明情况。"})
    at = at or timezone.now()
    checkout.state = State.RETURNED
    checkout.returned_at, checkout.received_by = at, by
    checkout.condition, checkout.return_note = condition, (note or "").strip()
    checkout._change_reason = f"归还（{checkout.get_condition_display()}）"
    checkout.save()
    if checkout.obligation_id and checkout.obligation.is_open:
        evidence = f"{timezone.localtime(at):%Y-%m-%d %H:%M} 已归还，状况：{checkout.get_condition_display()}"
        obligations.meet(checkout.obligation, by=by, evidence=evidence, at=at)
    medium.status = Status.IN_STOCK
    medium._change_reason = f"归还（{checkout.get_condition_display()}）"
    medium.save()
    return checkout


# --- loss -----------------------------------------------------------------------------------------


def can_report_lost(user, medium):
    if medium.status in (Status.LOST, Status.DESTROYED) or not can(user, "view", medium):
        return False
    return (
        can_manage(user, medium) or medium.checkouts.filter(state=State.CHECKED_OUT, requester=user).exists()
    )


@transaction.atomic
def report_lost(medium, *, by, description):
    """The medium is 遗失 and an incident is filed at once: a secret leak when the medium is
    classified, so its 24-hour report to the secrecy bureau starts now (chapter 3 §5)."""
    from incidents.categories import Category
    from incidents.models import Incident
    from incidents.services import file_incident

    medium = _locked(medium)
    if medium.status == Status.LOST:
        raise ValidationError("该介质已报告遗失。")
    if not can_report_lost(by, medium):
        raise PermissionDenied("须由保管人、借用人或安全员、保密办报告遗失。")
    if not (description or "").strip():
        raise ValidationError({"description": "请说明遗失经过（时间、地点、可能涉及的信息）。"})
    now = timezone.now()
    for checkout in medium.checkouts.select_for_update().filter(state__in=Checkout.OPEN_STATES):
        if checkout.state == State.CHECKED_OUT:
            checkout.state = State.LOST
            checkout._change_reason = "介质遗失"
            checkout.save()
            if checkout.obligation_id and checkout.obligation.is_open:
                obligations.waive(checkout.obligation, by=by, reason="介质遗失，已报告安全事件")
        else:
            checkout.state = State.REJECTED
            checkout.rejected_by, checkout.rejected_at, checkout.reject_reason = by, now, "介质已遗失"
            checkout._change_reason = "介质遗失，申请终止"
            checkout.save()
    classified = medium.is_classified
    incident = Incident(
        title=f"移动介质遗失：{medium.number}（{medium.marking}）",
        description=description.strip(),
        discovered_at=now,
        category=Category.INFORMATION_DAMAGE,
        subcategory="damage.leak" if classified else "damage.loss",
        secret_leak=classified,
        department=medium.department,
        reported_by=by,
        affected_assets=f"{medium.number} {medium.get_type_display()} {medium.brand} {medium.serial}".strip(),
        place="",
    )
    file_incident(incident, by=by)
    if medium.custodian_id and medium.custodian_id != by.pk:
        grant("view", medium.custodian, incident)
    medium.status = Status.LOST
    medium.incident = incident
    medium._change_reason = f"报告遗失（安全事件 #{incident.pk}）"
    medium.save()
    return incident


# --- the annual inventory -------------------------------------------------------------------------


def inventory_due_at(year):
    month, day = (int(part) for part in settings.MEDIA_INVENTORY_DUE.split("-"))
    return timezone.make_aware(datetime.combine(datetime(year, month, day).date(), time(23, 59)))


def present_media(department):
    return Medium.objects.filter(department=department, status__in=Medium.PRESENT_STATUSES)


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


# --- repairs and destruction (6 §7) ---------------------------------------------------------------


def _item_errors(medium, asset):
    if bool(medium) == bool(asset):
        raise ValidationError({"item": "请指定一件介质或一项资产（二者择一）。"})


def _item_classified(medium, asset):
    if medium is not None:
        return medium.is_classified
    return bool(getattr(asset, "is_classified", False))


def _item_visible(user, medium, asset):
    item = medium if medium is not None else asset
    return type(item).objects.visible_to(user, "view").filter(pk=item.pk).exists()


def check_vendor(vendor, classified, field="vendor"):
    if vendor is None:
        raise ValidationError({field: "请选择服务单位。"})
    if classified and not vendor.designated:
        raise ValidationError(
            {field: f"涉密设备只能交由涉密定点单位处理，“{vendor}”不是定点单位（第六章第7条）。"}
        )
    if classified and not vendor.designation_valid():
        expiry = vendor.designation_expires_on
        raise ValidationError(
            {
                field: f"“{vendor}”的定点资质{'已于 ' + str(expiry) + ' 过期' if expiry else '缺少有效期'}，不能承接涉密设备。"
            }
        )


def _can_request(user, medium, perm):
    return user.has_perm(perm) or (medium is not None and medium.custodian_id == user.pk)


@transaction.atomic
def request_repair(*, by, reason, vendor, medium=None, asset=None, data_handling=""):
    _item_errors(medium, asset)
    if not _item_visible(by, medium, asset):
        raise PermissionDenied("您无权查看该设备。")
    if not _can_request(by, medium, "media_control.add_repairrequest"):
        raise PermissionDenied("您没有申请外送维修的权限。")
    if medium is not None:
        medium = _locked(medium)
        if medium.status != Status.IN_STOCK:
            raise ValidationError({"item": f"该介质当前为“{medium.get_status_display()}”，不能送修。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写送修原因。"})
    classified = _item_classified(medium, asset)
    check_vendor(vendor, classified)
    item = medium if medium is not None else asset
    repair = RepairRequest.objects.create(
        medium=medium,
        asset=asset,
        department=item.department,
        classified=classified,
        restricted=classified,
        reason=reason.strip(),
        vendor=vendor,
        requested_by=by,
        data_handling=data_handling or "",
    )
    grant("view", by, repair)
    return repair


def _lock_repair(repair):
    repair = (
        RepairRequest.objects.select_for_update(of=("self",))
        .select_related("medium", "asset", "vendor")
        .get(pk=repair.pk)
    )
    if repair.medium_id:
        refuse_destroyed(repair.medium)
    return repair


def _decider(by, request, perm, what):
    if request.requested_by_id == by.pk:
        raise PermissionDenied(f"不能审批自己提出的{what}申请。")
    if not by.has_perm(perm):
        raise PermissionDenied(f"{what}须经安全员或保密办审批。")


@transaction.atomic
def approve_repair(repair, *, by, comment=""):
    repair = _lock_repair(repair)
    if repair.state != RepairRequest.State.REQUESTED:
        raise ValidationError(f"该申请当前为“{repair.get_state_display()}”，无需审批。")
    _decider(by, repair, APPROVE_REPAIR, "外送维修")
    check_vendor(repair.vendor, repair.classified)
    repair.state = RepairRequest.State.APPROVED
    repair.approved_by, repair.approved_at, repair.decision_comment = by, timezone.now(), comment.strip()
    repair._change_reason = "批准外送维修"
    repair.save()
    return repair


@transaction.atomic
def reject_repair(repair, *, by, reason):
    repair = _lock_repair(repair)
    if repair.state not in (RepairRequest.State.REQUESTED, RepairRequest.State.APPROVED):
        raise ValidationError(f"该申请当前为“{repair.get_state_display()}”，不能驳回。")
    _decider(by, repair, APPROVE_REPAIR, "外送维修")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写驳回理由。"})
    repair.state = RepairRequest.State.REJECTED
    repair.approved_by, repair.approved_at, repair.decision_comment = by, timezone.now(), reason.strip()
    repair._change_reason = f"驳回：{reason.strip()}"
    repair.save()
    return repair


def can_handle_repair(user, repair):
    return user.has_perm(APPROVE_REPAIR) or (repair.medium_id and can_manage(user, repair.medium))


@transaction.atomic
def send_repair(repair, *, by, data_handling=None):
    """Hand-over to the vendor: a classified item only with its data removed or its storage kept
    back, and only to a designated vendor whose designation is still valid today."""
    repair = _lock_repair(repair)
    if repair.state != RepairRequest.State.APPROVED:
        raise ValidationError(f"该申请当前为“{repair.get_state_display()}”，批准后才能送修。")
    if not can_handle_repair(by, repair):
        raise PermissionDenied("须由保管人或安全员、保密办办理送修。")
    if data_handling is not None:
        if data_handling and data_handling not in RepairRequest.DataHandling.values:
            raise ValidationError({"data_handling": "请选择数据处理方式。"})
        repair.data_handling = data_handling
    if repair.classified and not repair.data_handling:
        raise ValidationError({"data_handling": "涉密设备送修前须清除数据或留存存储部件，并在此登记。"})
    check_vendor(repair.vendor, repair.classified)
    now = timezone.now()
    if repair.medium_id:
        medium = _locked(repair.medium)
        if medium.status != Status.IN_STOCK:
            raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能送修。")
        medium.status = Status.REPAIR
        medium._change_reason = f"外送维修（{repair.vendor}）"
        medium.save()
    elif repair.asset_id:
        _set_asset_status(repair.asset, "repair", f"外送维修（{repair.vendor}）")
    repair.state = RepairRequest.State.SENT
    repair.sent_at = now
    repair._change_reason = f"送修：{repair.get_data_handling_display() or '未涉密'}"
    repair.save()
    return repair


@transaction.atomic
def return_repair(repair, *, by, note=""):
    repair = _lock_repair(repair)
    if repair.state != RepairRequest.State.SENT:
        raise ValidationError(f"该申请当前为“{repair.get_state_display()}”，不能登记返回。")
    if not can_handle_repair(by, repair):
        raise PermissionDenied("须由保管人或安全员、保密办登记返回。")
    repair.state = RepairRequest.State.RETURNED
    repair.returned_at, repair.return_note = timezone.now(), (note or "").strip()
    repair._change_reason = "维修返回"
    repair.save()
    if repair.medium_id:
        medium = _locked(repair.medium)
        medium.status = Status.IN_STOCK
        medium._change_reason = "维修返回"
        medium.save()
    elif repair.asset_id:
        _set_asset_status(repair.asset, "in_use", "维修返回")
    return repair


def _set_asset_status(asset, status, reason):
    """Asset status follows the repair / destruction when the asset register knows the status."""
    field = {f.name for f in asset._meta.get_fields()}
    if "status" not in field:
        return
    values = {value for value, _ in asset._meta.get_field("status").choices or ()}
    if status not in values:
        return
    asset.status = status
    asset._change_reason = reason
    asset.save(update_fields=["status"])


@transaction.atomic
def request_destruction(*, by, reason, medium=None, asset=None):
    _item_errors(medium, asset)
    if not _item_visible(by, medium, asset):
        raise PermissionDenied("您无权查看该设备。")
    if not _can_request(by, medium, "media_control.add_destructionrequest"):
        raise PermissionDenied("您没有申请销毁的权限。")
    if medium is not None:
        medium = _locked(medium)
        if medium.status != Status.IN_STOCK:
            raise ValidationError(
                {"item": f"该介质当前为“{medium.get_status_display()}”，须在库才能申请销毁。"}
            )
        if medium.destructions.filter(
            state__in=(DestructionRequest.State.REQUESTED, DestructionRequest.State.APPROVED)
        ).exists():
            raise ValidationError({"item": "该介质已有进行中的销毁申请。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写销毁原因。"})
    classified = _item_classified(medium, asset)
    item = medium if medium is not None else asset
    destruction = DestructionRequest.objects.create(
        medium=medium,
        asset=asset,
        department=item.department,
        classified=classified,
        restricted=classified,
        reason=reason.strip(),
        requested_by=by,
    )
    grant("view", by, destruction)
    return destruction


def _lock_destruction(destruction):
    destruction = (
        DestructionRequest.objects.select_for_update(of=("self",))
        .select_related("medium", "asset")
        .get(pk=destruction.pk)
    )
    if destruction.medium_id:
        refuse_destroyed(destruction.medium)
    return destruction


@transaction.atomic
def approve_destruction(destruction, *, by, comment=""):
    destruction = _lock_destruction(destruction)
    if destruction.state != DestructionRequest.State.REQUESTED:
        raise ValidationError(f"该申请当前为“{destruction.get_state_display()}”，无需审批。")
    _decider(by, destruction, APPROVE_DESTRUCTION, "销毁")
    destruction.state = DestructionRequest.State.APPROVED
    destruction.approved_by, destruction.approved_at = by, timezone.now()
    destruction.decision_comment = comment.strip()
    destruction._change_reason = "批准销毁"
    destruction.save()
    return destruction


@transaction.atomic
def reject_destruction(destruction, *, by, reason):
    destruction = _lock_destruction(destruction)
    if destruction.state not in (DestructionRequest.State.REQUESTED, DestructionRequest.State.APPROVED):
        raise ValidationError(f"该申请当前为“{destruction.get_state_display()}”，不能驳回。")
    _decider(by, destruction, APPROVE_DESTRUCTION, "销毁")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写驳回理由。"})
    destruction.state = DestructionRequest.State.REJECTED
    destruction.approved_by, destruction.approved_at = by, timezone.now()
    destruction.decision_comment = reason.strip()
    destruction._change_reason = f"驳回：{reason.strip()}"
    destruction.save()
    return destruction


def validate_certificate(uploaded):
    if uploaded is None:
        raise ValidationError({"certificate": "请上传销毁证明（PDF 或图片）。"})
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in settings.MEDIA_CERTIFICATE_TYPES:
        allowed = "、".join(sorted(settings.MEDIA_CERTIFICATE_TYPES))
        raise ValidationError({"certificate": f"不支持的文件类型“{suffix or '无扩展名'}”。允许：{allowed}。"})
    limit = settings.MEDIA_CERTIFICATE_MAX_MB * 1024 * 1024
    if uploaded.size > limit:
        raise ValidationError(
            {
                "certificate": f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），上限 {settings.MEDIA_CERTIFICATE_MAX_MB} MB。"
            }
        )
    if uploaded.size == 0:
        raise ValidationError({"certificate": "文件为空。"})
    try:
        check_upload(uploaded, settings.MEDIA_CERTIFICATE_TYPES)
    except ValidationError as error:
        raise ValidationError({"certificate": error.messages}) from None


def can_complete_destruction(user, destruction):
    return user.has_perm(APPROVE_DESTRUCTION)


@transaction.atomic
def complete_destruction(destruction, *, by, vendor, witness, destroyed_at, certificate):
    """Record the destruction: designated vendor (for classified items), witness, time and the
    certificate. The medium becomes 已销毁 and read-only from then on."""
    destruction = _lock_destruction(destruction)
    if destruction.state != DestructionRequest.State.APPROVED:
        raise ValidationError(f"该申请当前为“{destruction.get_state_display()}”，批准后才能登记销毁。")
    if not can_complete_destruction(by, destruction):
        raise PermissionDenied("须由安全员或保密办登记销毁。")
    check_vendor(vendor, destruction.classified)
    errors = {}
    if not (witness or "").strip():
        errors["witness"] = "请填写监销人。"
    if destroyed_at is None:
        errors["destroyed_at"] = "请填写销毁时间。"
    elif destroyed_at > timezone.now():
        errors["destroyed_at"] = "销毁时间不能晚于当前时间。"
    if errors:
        raise ValidationError(errors)
    validate_certificate(certificate)
    destruction.vendor = vendor
    destruction.witness = witness.strip()
    destruction.destroyed_at = destroyed_at
    destruction.certificate = certificate
    destruction.certificate_name = Path(certificate.name).name[:200]
    destruction.completed_by = by
    destruction.state = DestructionRequest.State.COMPLETED
    destruction._change_reason = "登记销毁"
    destruction.save()
    if destruction.medium_id:
        medium = _locked(destruction.medium)
        if medium.status not in (Status.IN_STOCK, Status.REPAIR):
            raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能登记销毁。")
        for checkout in medium.checkouts.filter(state__in=Checkout.PENDING_STATES + (State.APPROVED,)):
            checkout.state = State.REJECTED
            checkout.rejected_by, checkout.rejected_at, checkout.reject_reason = (
                by,
                timezone.now(),
                "介质已销毁",
            )
            checkout._change_reason = "介质已销毁，申请终止"
            checkout.save()
        medium.status = Status.DESTROYED
        medium._change_reason = (
            f"已销毁（销毁申请 #{destruction.pk}，{vendor}，监销人 {destruction.witness}）"
        )
        medium.save()
    elif destruction.asset_id:
        _set_asset_status(destruction.asset, "scrapped", f"已销毁（销毁申请 #{destruction.pk}）")
    return destruction


def certificate_content_type(destruction):
    return mimetypes.guess_type(destruction.certificate_name)[0] or "application/octet-stream"


__all__ = ["SecrecyLevel"]
