"""The machine room (chapter 5): its access, change, backup and fire-check logs, and the daily
backup and monthly fire-check obligations."""

import calendar
import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import create_obligation, meet

from ..register.services import register_setting
from .models import BackupRecord, FireCheck, MachineRoom, RoomAccess, RoomChange

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


def save_room(room, *, by):
    """Create or change a machine room (the form limits the departments offered)."""
    room._change_reason = "登记机房" if room.pk is None else "编辑机房信息"
    room._history_user = by
    room.save()
    return room


def may_view_obligations(user):
    """Whether the room page links its open obligations (the obligation pages' own rule)."""
    return user.has_perm("obligations.view_obligation")


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
