"""Asset services: saving an asset under its rules, the compliance list (each rule one SQL
condition), the machine room's logs and obligations (chapter 5), and the IP plan — subnets, IP
assignments and the MAC register (7 §1). Every rule raises a ValidationError naming the field,
which the forms show next to it and the API answers with 400. Imports are in ``resources.py``, the
monthly IP/MAC reconciliation in ``reconciliation.py``."""

import calendar
import datetime as dt
import ipaddress
from collections import namedtuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from szmz_security.core.choices import CLASSIFIED_LEVELS, CLASSIFIED_ZONES, NetworkZone
from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import create_obligation, meet
from szmz_security.org.access import creatable_departments

from .models import (
    Asset,
    BackupRecord,
    FireCheck,
    IPAssignment,
    MacAddress,
    MachineRoom,
    RoomAccess,
    RoomChange,
    Subnet,
)
from .network import normalise_mac

# Settings of the register, with their defaults (each read from the environment in settings.py).
REGISTER_DEFAULTS = {
    "ASSET_ANTIVIRUS_MAX_AGE_DAYS": 30,
    "ASSET_IMPORT_MAX_ROWS": 20_000,
    "ASSET_IMPORT_INLINE_ROWS": 200,
    "ASSET_IMPORT_MAX_MB": 20,
    "ASSET_LABELS_MAX": 1000,
    "ASSET_BACKUP_DUE_TIME": "23:59:59",
}


def register_setting(name):
    return getattr(settings, name, REGISTER_DEFAULTS[name])


# --- the register ---------------------------------------------------------------------------------


def save_asset(asset, *, by, reason=""):
    """Create or change an asset: the department must be one ``by`` may file for (when new or
    moved), and ``Asset.clean()``'s rules refuse the record with a field error."""
    creating = asset.pk is None
    moved = (
        not creating and Asset.objects.filter(pk=asset.pk).exclude(department_id=asset.department_id).exists()
    )
    if (creating or moved) and not creatable_departments(by, Asset).filter(pk=asset.department_id).exists():
        raise ValidationError({"department": "您不能为该部门登记资产。"})
    asset.full_clean()
    asset._change_reason = reason or ("登记资产" if creating else "编辑资产信息")
    asset.save()
    return asset


# --- the compliance list --------------------------------------------------------------------------

ComplianceRule = namedtuple("ComplianceRule", "code label")


def antivirus_max_age_days():
    return int(register_setting("ASSET_ANTIVIRUS_MAX_AGE_DAYS"))


def compliance_rules():
    days = antivirus_max_age_days()
    return [
        ComplianceRule("classified_zone", "涉密资产未用于涉密网或单机"),
        ComplianceRule("wireless", "涉密计算机未拆除无线模块"),
        ComplianceRule("antivirus", f"病毒库超过 {days} 天未更新或未登记"),
        ComplianceRule("no_mac", "联网计算机未登记 MAC 地址"),
        ComplianceRule("data_grade", "信息系统未定数据级别"),
    ]


def compliance_conditions(today=None):
    """Each rule as one SQL condition (no loop over rows). Scrapped assets are out of service and
    break no rule."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=antivirus_max_age_days())
    in_service = ~Q(status=Asset.Status.SCRAPPED)
    in_use = Q(status=Asset.Status.IN_USE)
    computers = Q(type__in=Asset.COMPUTER_TYPES)
    classified = Q(secrecy__in=CLASSIFIED_LEVELS)
    has_mac = Exists(MacAddress.objects.filter(asset=OuterRef("pk")))
    return {
        "classified_zone": in_service & classified & ~Q(zone__in=CLASSIFIED_ZONES),
        "wireless": in_service & classified & computers & Q(wireless_removed=False),
        "antivirus": in_use
        & computers
        & (Q(antivirus_updated_on__isnull=True) | Q(antivirus_updated_on__lt=cutoff)),
        "no_mac": in_use & computers & ~Q(zone=NetworkZone.STANDALONE) & ~Q(has_mac),
        "data_grade": in_service & Q(type=Asset.Type.SYSTEM, data_grade=""),
    }


def with_compliance(queryset, rule=None, today=None):
    """``queryset`` annotated ``breaks_<rule>`` per rule and narrowed to the assets breaking at
    least one (or ``rule``)."""
    conditions = compliance_conditions(today)
    annotated = queryset.annotate(
        **{
            f"breaks_{code}": ExpressionWrapper(condition, output_field=BooleanField())
            for code, condition in conditions.items()
        }
    )
    if rule:
        return annotated.filter(conditions[rule])
    combined = Q()
    for condition in conditions.values():
        combined |= condition
    return annotated.filter(combined)


def compliance_reasons(asset):
    """The rules an annotated asset breaks, in words (with the figure that breaks it)."""
    reasons = []
    if getattr(asset, "breaks_classified_zone", False):
        reasons.append(f"{asset.get_secrecy_display()}资产用于{asset.get_zone_display()}")
    if getattr(asset, "breaks_wireless", False):
        reasons.append("涉密计算机未拆除无线模块")
    if getattr(asset, "breaks_antivirus", False):
        if asset.antivirus_updated_on:
            age = (timezone.localdate() - asset.antivirus_updated_on).days
            reasons.append(f"病毒库 {age} 天未更新（{asset.antivirus_updated_on:%Y-%m-%d}）")
        else:
            reasons.append("未登记病毒库更新日期")
    if getattr(asset, "breaks_no_mac", False):
        reasons.append("联网计算机未登记 MAC 地址")
    if getattr(asset, "breaks_data_grade", False):
        reasons.append("信息系统未定数据级别")
    return reasons


# --- the machine room (chapter 5) -----------------------------------------------------------------

BACKUP_KIND = "machine_room.backup"
BACKUP_CLAUSE = "市民政局制度 第五章第5条"
FIRE_CHECK_KIND = "machine_room.fire_check"
FIRE_CHECK_CLAUSE = "市民政局制度 第五章第7条"


def local_datetime(day, time):
    return timezone.make_aware(dt.datetime.combine(day, time), timezone.get_current_timezone())


def backup_due_at(day):
    hour, minute, *second = (int(part) for part in str(register_setting("ASSET_BACKUP_DUE_TIME")).split(":"))
    return local_datetime(day, dt.time(hour, minute, second[0] if second else 0))


def month_start(day):
    return day.replace(day=1)


def fire_check_due_at(month):
    last = calendar.monthrange(month.year, month.month)[1]
    return local_datetime(month.replace(day=last), dt.time(23, 59, 59))


def day_bounds(day):
    return local_datetime(day, dt.time.min), local_datetime(day + dt.timedelta(days=1), dt.time.min)


def month_bounds(month):
    last = calendar.monthrange(month.year, month.month)[1]
    return (
        local_datetime(month, dt.time.min),
        local_datetime(month.replace(day=last) + dt.timedelta(days=1), dt.time.min),
    )


def room_obligations(room, kind, bounds):
    start, end = bounds
    return Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(MachineRoom),
        subject_id=room.pk,
        kind=kind,
        due_at__gte=start,
        due_at__lt=end,
    )


def _ensure(room, *, kind, clause, title, due_at, bounds, record):
    """The period's obligation of one room, created once; met at once if the record exists."""
    if room_obligations(room, kind, bounds).exists():
        return None
    obligation = create_obligation(
        title=title,
        kind=kind,
        clause=clause,
        due_at=due_at,
        department=room.department,
        subject=room,
        assignee=room.responsible,
    )
    if record is not None:
        _meet_with(record, obligation)
    return obligation


def ensure_machine_room_obligations(now=None):
    """Hourly (idempotent): today's backup record (5 §5) and this month's fire check (5 §7) of
    every active room that requires them. Returns the obligations created."""
    today = timezone.localdate(now or timezone.now())
    month = month_start(today)
    created = []
    for room in MachineRoom.objects.filter(active=True).select_related("department", "responsible"):
        with transaction.atomic():
            # One run at a time per room: a doubled beat creates nothing twice.
            room = (
                MachineRoom.objects.select_for_update()
                .select_related("department", "responsible")
                .get(pk=room.pk)
            )
            if room.daily_backup_required:
                created.append(
                    _ensure(
                        room,
                        kind=BACKUP_KIND,
                        clause=BACKUP_CLAUSE,
                        title=f"{room.name} {today:%Y-%m-%d} 数据备份记录",
                        due_at=backup_due_at(today),
                        bounds=day_bounds(today),
                        record=room.backups.filter(date=today, succeeded=True).first(),
                    )
                )
            if room.fire_check_required:
                created.append(
                    _ensure(
                        room,
                        kind=FIRE_CHECK_KIND,
                        clause=FIRE_CHECK_CLAUSE,
                        title=f"{room.name} {month:%Y年%m月} 消防器材检查",
                        due_at=fire_check_due_at(month),
                        bounds=month_bounds(month),
                        record=room.fire_checks.filter(month=month).first(),
                    )
                )
    return [obligation for obligation in created if obligation is not None]


def _meet_with(record, obligation):
    if isinstance(record, BackupRecord):
        evidence = f"已登记 {record.date:%Y-%m-%d} 备份记录：{record.systems}（{record.medium}）"
        by, at = record.performed_by, record.recorded_at
    else:
        evidence = f"已于 {record.checked_on:%Y-%m-%d} 完成消防器材检查" + (
            "，器材正常。" if record.extinguishers_ok else f"，发现问题：{record.findings}"
        )
        by, at = record.checked_by, local_datetime(record.checked_on, dt.time(12))
        at = min(max(at, obligation.created_at), timezone.now())
    meet(obligation, by=by, evidence=evidence, at=at)
    record.obligation = obligation
    record._change_reason = "完成对应义务"
    record.save(update_fields=["obligation"])


def _open_obligation(room, kind, bounds):
    return room_obligations(room, kind, bounds).filter(state=Obligation.State.OPEN).first()


def record_access(room, *, by, **fields):
    """An entry to the room (5 §1): only with an approval given before the entry."""
    access = RoomAccess(room=room, recorded_by=by, **fields)
    access.full_clean()
    access._change_reason = "登记进入机房"
    access.save()
    return access


def record_departure(access, *, by, left_at):
    if access.left_at is not None:
        raise ValidationError({"left_at": "已登记离开时间。"})
    access.left_at = left_at
    access.full_clean()
    access._change_reason = "登记离开机房"
    access.save()
    return access


def record_change(room, *, by, **fields):
    """A change to software, configuration or hardware (5 §3, 5 §6), approved before it is done."""
    change = RoomChange(room=room, **fields)
    if change.performed_at and change.performed_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"performed_at": "实施时间不能晚于当前时间。"})
    change.full_clean()
    change._change_reason = "登记机房变更"
    change.save()
    return change


def record_backup(room, *, by, date, **fields):
    """The day's backup (5 §5). A successful backup meets that day's obligation (late if after its
    deadline); a failed one is recorded and may be replaced by a successful one the same day."""
    if date > timezone.localdate():
        raise ValidationError({"date": "备份日期不能晚于今天。"})
    existing = BackupRecord.objects.select_for_update().filter(room=room, date=date).first()
    if existing is not None and existing.succeeded:
        raise ValidationError({"date": f"{date:%Y-%m-%d} 的备份已登记。"})
    record = existing or BackupRecord(room=room, date=date)
    for name, value in fields.items():
        setattr(record, name, value)
    record.recorded_at = timezone.now()
    record.full_clean(validate_unique=False)
    record._change_reason = "登记备份" if existing is None else "重新登记备份"
    record.save()
    if record.succeeded:
        obligation = _open_obligation(room, BACKUP_KIND, day_bounds(date))
        if obligation is not None:
            _meet_with(record, obligation)
    return record


def record_fire_check(room, *, by, checked_on, **fields):
    """The month's fire-extinguisher check (5 §7); meets that month's obligation."""
    month = month_start(checked_on)
    if FireCheck.objects.filter(room=room, month=month).exists():
        raise ValidationError({"checked_on": f"{month:%Y年%m月}的消防器材检查已登记。"})
    check = FireCheck(room=room, month=month, checked_on=checked_on, **fields)
    check.full_clean()
    check._change_reason = "登记消防器材检查"
    check.save()
    obligation = _open_obligation(room, FIRE_CHECK_KIND, month_bounds(month))
    if obligation is not None:
        _meet_with(check, obligation)
    return check


# --- subnets, IP assignments and the MAC register (7 §1) ------------------------------------------


def _reason(obj, by, reason):
    obj._change_reason = reason
    if by is not None:
        obj._history_user = by


def save_subnet(subnet, *, by, reason=""):
    """Create or change a subnet: CIDR normalised, host bits and overlaps in the zone refused
    (``Subnet.clean``), the department one ``by`` may file for."""
    creating = subnet.pk is None
    moved = (
        not creating
        and Subnet.objects.filter(pk=subnet.pk).exclude(department_id=subnet.department_id).exists()
    )
    if (creating or moved) and not creatable_departments(by, Subnet).filter(pk=subnet.department_id).exists():
        raise ValidationError({"department": "您不能为该部门登记网段。"})
    if not creating:
        old = Subnet.objects.filter(pk=subnet.pk).values_list("cidr", "zone").first()
        subnet.full_clean()
        if old and (old[0] != subnet.cidr or old[1] != subnet.zone):
            outside = [
                a.ip for a in subnet.assignments.only("ip") if _ip_version_in(a.ip, subnet.network) is False
            ]
            if outside:
                raise ValidationError(
                    {"cidr": f"网段内已分配的 {'、'.join(outside[:5])} 不在新网段内，请先调整这些分配。"}
                )
            if old[1] != subnet.zone and subnet.assignments.exists():
                raise ValidationError({"zone": "网段内已有 IP 分配，不能更改网络区域。"})
    else:
        subnet.full_clean()
    _reason(subnet, by, reason or ("登记网段" if creating else "编辑网段"))
    subnet.save()
    if not creating:
        # The assignments follow their subnet's department.
        for assignment in subnet.assignments.exclude(department_id=subnet.department_id):
            assignment.department_id = subnet.department_id
            _reason(assignment, by, "随网段调整所属部门")
            assignment.save(update_fields=["department"])
    return subnet


def _ip_version_in(ip, network):
    address = ipaddress.ip_address(ip)
    return address.version == network.version and address in network


def delete_subnet(subnet, *, by):
    count = subnet.assignments.count()
    if count:
        raise ValidationError(f"网段 {subnet.cidr} 内仍有 {count} 条 IP 分配，请先删除或迁移后再删除网段。")
    _reason(subnet, by, "删除网段")
    subnet.delete()


def _mac_owner_error(mac, registered):
    return ValidationError(
        {
            "mac": f"MAC {mac.upper().replace(':', '-')} 已登记在资产 {registered.asset.number} 上，一个 MAC 只能属于一项资产。"
        }
    )


def _check_mac(assignment, by):
    """The MAC normalised and, when new, to be registered to the assignment's asset; a MAC of
    another asset is refused (naming it). Returns the MacAddress to create, or None."""
    if not assignment.mac:
        return None
    try:
        assignment.mac = normalise_mac(assignment.mac)
    except ValidationError as error:
        raise ValidationError({"mac": error.messages}) from None
    registered = MacAddress.objects.filter(mac=assignment.mac).select_related("asset").first()
    if registered is not None:
        if assignment.asset_id is None:
            assignment.asset = registered.asset
        elif registered.asset_id != assignment.asset_id:
            raise _mac_owner_error(assignment.mac, registered)
        return None
    used = (
        IPAssignment.objects.filter(mac=assignment.mac)
        .exclude(pk=assignment.pk)
        .exclude(asset=None)
        .select_related("asset")
        .first()
    )
    if used is not None:
        if assignment.asset_id is None:
            assignment.asset = used.asset
        elif used.asset_id != assignment.asset_id:
            raise _mac_owner_error(assignment.mac, used)
    if assignment.asset_id is None:
        raise ValidationError({"asset": "登记 MAC 地址须指定所属资产。"})
    return MacAddress(
        mac=assignment.mac, asset=assignment.asset, department_id=assignment.asset.department_id
    )


def _save_assignment(assignment, *, by, reason):
    errors = {}
    mac_record = None
    try:
        mac_record = _check_mac(assignment, by)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        assignment.full_clean(exclude=["subnet", "department"], validate_constraints=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationError(errors)
    if by is not None:
        creating = assignment.pk is None
        moved = (
            not creating
            and IPAssignment.objects.filter(pk=assignment.pk)
            .exclude(department_id=assignment.department_id)
            .exists()
        )
        if (creating or moved) and not creatable_departments(by, IPAssignment).filter(
            pk=assignment.department_id
        ).exists():
            raise ValidationError(
                {"ip": f"{assignment.ip} 所在网段属于{assignment.subnet.department}，您不能为该部门分配 IP。"}
            )
    _reason(assignment, by, reason)
    assignment.save()
    if mac_record is not None:
        _reason(mac_record, by, f"随 IP 分配 {assignment.ip} 登记")
        mac_record.save()
    return assignment


def assign_ip(*, ip, zone, mac="", asset=None, hostname="", note="", by=None, reason=""):
    """Give ``ip`` in ``zone`` to a device: the IP normalised and inside a subnet of the zone
    (which decides subnet and department), not yet assigned in the zone; the MAC in any notation,
    registered to the asset when new, refused when it is another asset's."""
    assignment = IPAssignment(
        ip=(ip or "").strip(), zone=zone, mac=(mac or "").strip(), asset=asset, hostname=hostname, note=note
    )
    return _save_assignment(assignment, by=by, reason=reason or "分配 IP")


def update_assignment(assignment, *, by=None, reason="", **changes):
    """Change an assignment under the same rules (``ip``, ``zone``, ``mac``, ``asset``,
    ``hostname``, ``note``)."""
    for name, value in changes.items():
        setattr(assignment, name, value.strip() if isinstance(value, str) else value)
    return _save_assignment(assignment, by=by, reason=reason or "编辑 IP 分配")


def delete_assignment(assignment, *, by=None, reason=""):
    """Release an address. The MAC stays registered to its asset (the device still exists)."""
    _reason(assignment, by, reason or "收回 IP")
    assignment.delete()


def register_mac(*, mac, asset, interface="", by=None):
    """Register a MAC to an asset (one asset per MAC, any notation)."""
    record = MacAddress(mac=(mac or "").strip(), asset=asset, interface=interface)
    if asset is not None:
        record.department_id = asset.department_id
    errors = {}
    if asset is None:
        errors["asset"] = ["请选择资产。"]
    try:
        record.full_clean(exclude=["department", "asset"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not errors:
        used = IPAssignment.objects.filter(mac=record.mac).exclude(asset=None).exclude(asset=asset)
        other = used.select_related("asset").first()
        if other is not None:
            errors["mac"] = [f"MAC {record} 已在 IP 分配中登记给资产 {other.asset.number}。"]
    if errors:
        raise ValidationError(errors)
    _reason(record, by, "登记 MAC")
    record.save()
    return record


def delete_mac(record, *, by=None):
    if IPAssignment.objects.filter(mac=record.mac).exists():
        raise ValidationError(f"MAC {record} 仍有 IP 分配使用，请先收回这些 IP。")
    _reason(record, by, "删除 MAC 登记")
    record.delete()
