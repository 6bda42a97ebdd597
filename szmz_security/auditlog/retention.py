"""Retention of the audit log: per log class, never below the bureau's 60-day floor."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent, AuditPurge

logger = logging.getLogger(__name__)


def validate_retention_settings(retention=None, floor=None):
    retention = settings.AUDIT_RETENTION_DAYS if retention is None else retention
    floor = settings.AUDIT_RETENTION_FLOOR_DAYS if floor is None else floor
    too_short = {log_class: days for log_class, days in retention.items() if days < floor}
    if too_short:
        details = "、".join(f"{log_class}={days}天" for log_class, days in sorted(too_short.items()))
        raise ImproperlyConfigured(
            f"审计日志保存期限不得少于 {floor} 天"
            "（《深圳市民政局信息安全管理制度》第二章第5条、第八章第1条）："
            f"{details}。网络安全法要求网络日志至少保存六个月，建议 180 天以上。"
            f" Audit-log retention below the {floor}-day floor is refused: {too_short}."
        )


def purge_expired(now=None, batch_size=None):
    """Delete audit events past their class's retention, in primary-key batches, and record
    each class's purge (one AuditPurge row per class that had anything to delete).

    A purge removes a prefix of the class's hash chain. It first appends a checkpoint event
    naming the last purged event and its hash, so the chain stays verifiable; it then deletes
    newest first, so that an interrupted purge leaves one gap that the checkpoint covers."""

    validate_retention_settings()
    now = now or timezone.now()
    batch_size = batch_size or settings.AUDIT_PURGE_BATCH
    purges = []
    for log_class, days in sorted(settings.AUDIT_RETENTION_DAYS.items()):
        cutoff = now - timezone.timedelta(days=days)
        events = AuditEvent.objects.filter(log_class=log_class)
        first_kept = events.filter(at__gte=cutoff).order_by("pk").values_list("pk", flat=True).first()
        expired = events if first_kept is None else events.filter(pk__lt=first_kept)
        last = expired.filter(at__lt=cutoff).order_by("-pk").values_list("pk", "hash").first()
        if last is None:
            continue
        through_id, through_hash = last
        AuditEvent.objects.create(
            kind=AuditEvent.Kind.CHECKPOINT,
            log_class=log_class,
            username="system",
            detail={
                "through_id": through_id,
                "through_hash": through_hash,
                "cutoff": cutoff.isoformat(),
                "retention_days": days,
            },
        )
        doomed = events.filter(pk__lte=through_id).order_by("-pk")
        deleted = batches = 0
        oldest = newest = None
        while True:
            ids = list(doomed.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                allow_purge()
                times = list(AuditEvent.objects.filter(pk__in=ids).values_list("at", flat=True))
                oldest = min([*times, oldest] if oldest else times)
                newest = max([*times, newest] if newest else times)
                count, _ = AuditEvent.objects.filter(pk__in=ids).delete()
            deleted += count
            batches += 1
        purges.append(
            AuditPurge.objects.create(
                log_class=log_class,
                retention_days=days,
                cutoff=cutoff,
                deleted=deleted,
                batches=batches,
                oldest_deleted_at=oldest,
                newest_deleted_at=newest,
                started_at=now,
                finished_at=timezone.now(),
            )
        )
        logger.info("purged %s %s audit events older than %s", deleted, log_class, cutoff)
    return purges


def allow_purge():
    """Lift the PostgreSQL trigger's refusal for the rest of this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('szmz.audit_purge', 'on', true)")
