"""Retention of the audit log: per log class, never below the bureau's 60-day floor."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

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
    each class's purge (one AuditPurge row per class that had anything to delete)."""
    from .models import AuditEvent, AuditPurge

    validate_retention_settings()
    now = now or timezone.now()
    batch_size = batch_size or settings.AUDIT_PURGE_BATCH
    purges = []
    for log_class, days in sorted(settings.AUDIT_RETENTION_DAYS.items()):
        cutoff = now - timezone.timedelta(days=days)
        expired = AuditEvent.objects.filter(log_class=log_class, at__lt=cutoff)
        deleted = batches = 0
        oldest = newest = None
        while True:
            ids = list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                span = AuditEvent.objects.filter(pk__in=ids).values_list("at", flat=True)
                times = list(span)
                oldest = min([*times, oldest] if oldest else times)
                newest = max([*times, newest] if newest else times)
                count, _ = AuditEvent.objects.filter(pk__in=ids).delete()
            deleted += count
            batches += 1
        if deleted:
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
