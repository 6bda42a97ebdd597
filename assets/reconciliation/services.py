"""The monthly IP/MAC reconciliation (regulation 7 §1): a run (upload, comparison as a long job),
resolving what differs, signing the run off, and the monthly obligation it meets. The scan
parsers are in ``parsers/``, the comparison in ``compare.py``."""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from incidents.categories import Category, category_of
from incidents.models import Incident
from incidents.services import file_incident
from szmz_security.core.choices import NetworkZone
from szmz_security.core.uploads import check_upload
from szmz_security.jobs import services as jobs
from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import create_obligation, meet
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from ..network import services as network
from ..network.models import IPAssignment, MacAddress, Subnet
from ..register.models import Asset
from .compare import Register, compare, mac_text, zone_label  # noqa: F401 - Register: the interface
from .models import Reconciliation, ReconciliationItem
from .parsers.csv import parse_csv, rows_as_csv
from .parsers.json import parse_rows
from .parsers.rows import ParsedScan, ScanRejected, ScanRow, validate_row  # noqa: F401 - the interface

logger = logging.getLogger(__name__)

Kind = ReconciliationItem.Kind

Resolution = ReconciliationItem.Resolution

# Scans up to this many rows are compared in the request; larger ones in the Celery task.
INLINE_ROWS = 2000

# Scan exports: comma or tab separated text, checked by content (szmz_security/core/uploads.py).
SCAN_TYPES = {".csv", ".txt", ".tsv"}

ITEM_BATCH = 1000

OBLIGATION_KIND = "assets.reconciliation"

OBLIGATION_CLAUSE = "市民政局制度 第七章第1条"

SIGN_OFF_PERMISSION = "assets.sign_off_reconciliation"


def month_start(day):
    return day.replace(day=1)


def next_month(month):
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def reconciliation_department():
    code = getattr(settings, "ASSETS_RECONCILIATION_DEPARTMENT", "XXZX")
    return Department.objects.filter(code=code).first()


def _set_history_user(obj, by, reason):
    obj._change_reason = reason
    if by is not None:
        obj._history_user = by


@transaction.atomic
def start_reconciliation(
    *,
    zone,
    by,
    source=Reconciliation.Source.OTHER,
    upload=None,
    rows=None,
    month=None,
    department=None,
    inline=None,
):
    """Validate the scan whole (``ScanRejected`` when any row is bad: nothing is written), record
    the run, and compare it now (small scans) or as a long job in the worker (``JOB_KIND``).
    ``upload`` is an uploaded CSV file, ``rows`` JSON rows."""
    if zone not in NetworkZone.values:
        raise ValidationError({"zone": "请选择网络区域。"})
    if (upload is None) == (rows is None):
        raise ValidationError({"scan": "请上传扫描文件或提交扫描记录。"})
    if upload is not None:
        try:
            check_upload(upload, SCAN_TYPES)
        except ValidationError as error:
            raise ValidationError({"scan": error.messages}) from None
        raw = upload.read()
        parsed = parse_csv(raw)
        name = getattr(upload, "name", "scan.csv") or "scan.csv"
        content = ContentFile(raw, name=name)
    else:
        parsed = parse_rows(rows)
        content = ContentFile(rows_as_csv(parsed.rows), name="scan.csv")
    department = department or reconciliation_department()
    if department is None:
        raise ValidationError({"department": "未找到负责核查的部门（ASSETS_RECONCILIATION_DEPARTMENT）。"})
    run = Reconciliation(
        month=month_start(month or timezone.localdate()),
        zone=zone,
        source=source,
        department=department,
        uploaded_by=by,
        total_rows=len(parsed.rows),
    )
    run.scan_file.save(content.name, content, save=False)
    _set_history_user(run, by, "上传扫描结果")
    run.save()
    run.skipped_rows = parsed.skipped
    if inline if inline is not None else len(parsed.rows) <= INLINE_ROWS:
        jobs.run_inline(JOB_KIND, run, by=by, total=len(parsed.rows))
        run.refresh_from_db()
    else:
        jobs.start(JOB_KIND, run, by=by, total=len(parsed.rows))
    return run


JOB_KIND = "assets.reconciliation"


def run_comparison(job, run, rows=None):
    """The job's work (DESIGN.md §9): compare the run's scan (``rows``, else its stored file) with
    the register and store the items. Re-running (a re-queued job) replaces the items; progress
    is written outside the transaction so the page sees it."""
    if run.state != Reconciliation.State.PENDING:
        return run.get_state_display()
    if rows is None:
        run.scan_file.open("rb")
        try:
            rows = parse_csv(run.scan_file.read()).rows
        finally:
            run.scan_file.close()
    jobs.progress(job, 0, len(rows), "正在比对")
    items = compare(run.zone, rows, progress=lambda count: jobs.progress(job, count, message="正在比对"))
    with transaction.atomic():
        locked = Reconciliation.objects.select_for_update().get(pk=run.pk)
        if locked.state != Reconciliation.State.PENDING:
            return locked
        locked.items.all().delete()
        for item in items:
            item.reconciliation_id = run.pk
        bulk_create_with_history(
            items,
            ReconciliationItem,
            batch_size=ITEM_BATCH,
            default_user=run.uploaded_by,
            default_change_reason="核查比对发现",
        )
        locked.state = Reconciliation.State.OPEN
        locked.total_rows = len(rows)
        _set_history_user(locked, run.uploaded_by, f"比对完成：发现差异 {len(items)} 条")
        locked.save()
    return f"发现差异 {len(items)} 条"


def comparison_failed(run, message, error):
    """The job failed: the run is 处理出错 with the reason rather than pending for ever."""
    run.refresh_from_db()
    if run.state != Reconciliation.State.PENDING:
        return
    run.state = Reconciliation.State.ERROR
    run.error_message = (f"比对出错：{error}" if error else message)[:2000]
    run._change_reason = "比对出错"
    run.save()


def can_upload(user):
    return user.has_perm("assets.add_reconciliation")


def can_resolve(user, run):
    return Reconciliation.objects.visible_to(user, "change").filter(pk=run.pk).exists()


def can_sign_off(user, run):
    return user.has_perm(SIGN_OFF_PERMISSION) and can_resolve(user, run)


ALLOWED_RESOLUTIONS = {
    Kind.UNREGISTERED_MAC: (Resolution.REGISTERED, Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.NOT_SEEN: (Resolution.UPDATED, Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.IP_MISMATCH: (Resolution.UPDATED, Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.DUPLICATE_IP: (Resolution.EXPLAINED, Resolution.INCIDENT),
    Kind.WRONG_SUBNET: (Resolution.EXPLAINED, Resolution.INCIDENT),
}


def _check_open(item, by, resolution):
    run = item.reconciliation
    if not can_resolve(by, run):
        raise PermissionDenied("您没有权限处理该核查的差异。")
    if run.state != Reconciliation.State.OPEN:
        raise ValidationError({"resolution": f"该核查{run.get_state_display()}，不能再处理差异。"})
    if item.resolution != Resolution.OPEN:
        raise ValidationError({"resolution": f"该差异已处理（{item.get_resolution_display()}）。"})
    if resolution not in ALLOWED_RESOLUTIONS[item.kind]:
        allowed = "、".join(Resolution(r).label for r in ALLOWED_RESOLUTIONS[item.kind])
        raise ValidationError({"resolution": f"“{item.get_kind_display()}”只能处理为：{allowed}。"})


def _close(item, resolution, by, note, reason):
    item.resolution = resolution
    item.resolution_note = note
    item.resolved_by = by
    item.resolved_at = timezone.now()
    _set_history_user(item, by, reason)
    item.save()
    return item


@transaction.atomic
def resolve_register(item, *, by, asset=None, new_asset=None, note=""):
    """登记: the unregistered MAC becomes the asset's (existing, or created from ``new_asset``
    fields), with the seen IP assigned to it (through ``assign_ip``: every register rule applies)."""
    _check_open(item, by, Resolution.REGISTERED)
    if asset is None and new_asset:
        asset = Asset(**new_asset)
        if not creatable_departments(by, Asset).filter(pk=asset.department_id).exists():
            raise ValidationError({"new_department": "您不能为该部门登记资产。"})
        try:
            asset.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    f"new_{key}" if key != "__all__" else "asset": value
                    for key, value in error.message_dict.items()
                }
            ) from None
        _set_history_user(asset, by, f"IP/MAC 核查登记：{item.reconciliation}")
        asset.save()
    if asset is None:
        raise ValidationError({"asset": "请选择或新建要登记到的资产。"})
    run = item.reconciliation
    existing = IPAssignment.objects.filter(zone=run.zone, ip=item.ip).first()
    if existing is not None and not existing.mac and existing.asset_id in (None, asset.pk):
        assignment = network.update_assignment(
            existing, by=by, mac=item.mac, asset=asset, hostname=existing.hostname or item.hostname
        )
    else:
        assignment = network.assign_ip(
            ip=item.ip,
            zone=run.zone,
            mac=item.mac,
            asset=asset,
            hostname=item.hostname,
            by=by,
            note=f"IP/MAC 核查登记（{run.month:%Y年%m月}）",
        )
    item.asset = asset
    item.assignment = assignment
    return _close(
        item,
        Resolution.REGISTERED,
        by,
        note.strip() or f"登记到资产 {asset.number}",
        f"处理差异：登记到资产 {asset.number}",
    )


@transaction.atomic
def resolve_update(item, *, by, note=""):
    """更新台账: the register follows what was seen. A MAC on another IP: its assignment moves to
    the seen IP (a MAC with no assignment in the zone gets one); a device not seen: its
    assignment is released."""
    _check_open(item, by, Resolution.UPDATED)
    run = item.reconciliation
    if item.kind == Kind.NOT_SEEN:
        assignment = IPAssignment.objects.filter(zone=run.zone, ip=item.ip, mac=item.mac).first()
        if assignment is not None:
            network.delete_assignment(assignment, by=by, reason=f"IP/MAC 核查：设备未出现，收回 {item.ip}")
        text = note.strip() or f"已收回 {item.ip}"
        item.assignment = None
    else:
        assignment = IPAssignment.objects.filter(zone=run.zone, mac=item.mac).order_by("pk").first()
        if assignment is not None:
            old_ip = assignment.ip
            assignment = network.update_assignment(
                assignment, by=by, ip=item.ip, reason=f"IP/MAC 核查：由 {old_ip} 改为实际使用的 {item.ip}"
            )
            text = note.strip() or f"分配由 {old_ip} 改为 {item.ip}"
        else:
            registered = MacAddress.objects.filter(mac=item.mac).select_related("asset").first()
            if registered is None:
                raise ValidationError({"resolution": "该 MAC 未登记，请选择“登记”。"})
            assignment = network.assign_ip(
                ip=item.ip, zone=run.zone, mac=item.mac, asset=registered.asset, hostname=item.hostname, by=by
            )
            text = note.strip() or f"为资产 {registered.asset.number} 分配 {item.ip}"
        item.assignment = assignment
    return _close(item, Resolution.UPDATED, by, text, f"处理差异：更新台账（{text}）")


@transaction.atomic
def resolve_explain(item, *, by, note):
    _check_open(item, by, Resolution.EXPLAINED)
    if not (note or "").strip():
        raise ValidationError({"note": "请填写说明。"})
    return _close(item, Resolution.EXPLAINED, by, note.strip(), "处理差异：已说明")


INCIDENT_CATEGORY = {
    # An unregistered device or a hijacked address may be an intrusion; 其他事件 until assessed.
    Kind.DUPLICATE_IP: ("attack", "attack.other"),
}


@transaction.atomic
def resolve_incident(item, *, by, note="", subcategory=None):
    """转安全事件: files an incident (incidents.services.file_incident) and links it."""
    _check_open(item, by, Resolution.INCIDENT)
    run = item.reconciliation
    if subcategory:
        category = category_of(subcategory)
        if category is None:
            raise ValidationError({"subcategory": "事件子类无效。"})
    else:
        category, subcategory = INCIDENT_CATEGORY.get(item.kind, (Category.OTHER, "other.other"))
    subject = " ".join(part for part in (item.ip, mac_text(item.mac)) if part)
    incident = Incident(
        title=f"IP/MAC 核查发现{item.get_kind_display()}：{subject}"[:200],
        description=f"{run}（{run.get_source_display()}）发现：{item.detail}"
        + (f"\n处理说明：{note.strip()}" if (note or "").strip() else ""),
        discovered_at=timezone.now(),
        department=run.department,
        place=zone_label(run.zone),
        affected_assets=item.asset.number if item.asset_id else "",
        category=category,
        subcategory=subcategory,
        reported_by=by,
    )
    file_incident(incident, by=by)
    item.incident = incident
    return _close(
        item,
        Resolution.INCIDENT,
        by,
        note.strip() or f"已转安全事件 #{incident.pk}",
        f"处理差异：转安全事件 #{incident.pk}",
    )


def resolve(item, resolution, *, by, **kwargs):
    handler = {
        Resolution.REGISTERED: resolve_register,
        Resolution.UPDATED: resolve_update,
        Resolution.EXPLAINED: resolve_explain,
        Resolution.INCIDENT: resolve_incident,
    }.get(resolution)
    if handler is None:
        raise ValidationError({"resolution": "请选择处理方式。"})
    return handler(item, by=by, **kwargs)


@transaction.atomic
def sign_off(run, *, by, note=""):
    """签核: only a run whose every item is resolved; meets the month's obligation for the zone
    (met late after its deadline)."""
    if not can_sign_off(by, run):
        raise PermissionDenied("您没有签核 IP/MAC 月度核查的权限。")
    run = Reconciliation.objects.select_for_update().get(pk=run.pk)
    if run.state == Reconciliation.State.SIGNED_OFF:
        raise ValidationError({"sign_off_note": "该核查已签核。"})
    if run.state != Reconciliation.State.OPEN:
        raise ValidationError({"sign_off_note": f"该核查{run.get_state_display()}，不能签核。"})
    open_count = run.items.filter(resolution=Resolution.OPEN).count()
    if open_count:
        raise ValidationError({"sign_off_note": f"尚有 {open_count} 条差异未处理，全部处理后方可签核。"})
    now = timezone.now()
    total = run.items.count()
    run.state = Reconciliation.State.SIGNED_OFF
    run.signed_off_by = by
    run.signed_off_at = now
    run.sign_off_note = (note or "").strip()
    obligation = ensure_obligation(run.zone, run.month)
    if obligation is not None:
        if obligation.is_open:
            meet(
                obligation,
                by=by,
                evidence=f"{run}已签核：扫描 {run.total_rows} 条，差异 {total} 条均已处理。"
                + (f" {run.sign_off_note}" if run.sign_off_note else ""),
                at=now,
            )
        run.obligation = obligation
    _set_history_user(run, by, "签核")
    run.save()
    return run


def obligation_kind(zone):
    return f"{OBLIGATION_KIND}.{zone}"


def obligation_due_at(month):
    """The last second of the month, local time."""
    end = datetime.combine(next_month(month), time.min) - timedelta(seconds=1)
    return timezone.make_aware(end, timezone.get_current_timezone())


def obligation_for(zone, month):
    return (
        Obligation.objects.filter(kind=obligation_kind(zone), due_at=obligation_due_at(month_start(month)))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def ensure_obligation(zone, month):
    """The obligation of ``zone`` for ``month``, created once (kind ``assets.reconciliation.<zone>``
    and the month's end as the key; the department row is locked so two beats cannot both create)."""
    month = month_start(month)
    department = reconciliation_department()
    if department is None:
        logger.warning(
            "assets: department %r not found, no reconciliation obligation for %s",
            getattr(settings, "ASSETS_RECONCILIATION_DEPARTMENT", "XXZX"),
            f"{month:%Y-%m}",
        )
        return None
    Department.objects.select_for_update().filter(pk=department.pk).first()
    existing = obligation_for(zone, month)
    if existing is not None:
        return existing
    return create_obligation(
        title=f"{month.year}年{month.month}月 {zone_label(zone)} IP/MAC 月度核查",
        kind=obligation_kind(zone),
        clause=OBLIGATION_CLAUSE,
        due_at=obligation_due_at(month),
        department=department,
        notify_roles=("security_officer",),
    )


def ensure_monthly_obligations(today=None):
    """Beat (hourly, idempotent): this month's obligation for every zone that has a subnet."""
    month = month_start(today or timezone.localdate())
    zones = Subnet.objects.order_by().values_list("zone", flat=True).distinct()
    return [obligation for zone in sorted(set(zones)) if (obligation := ensure_obligation(zone, month))]
