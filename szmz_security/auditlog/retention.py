"""Retention of the audit log: per log class, never below the bureau's 60-day floor."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from . import partitions
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
    """Remove audit events past their class's retention and record each class's purge (one
    AuditPurge row per class that had anything to remove).

    A purge removes a prefix of the class's hash chain. It first appends a checkpoint event
    naming the last purged event and its hash, so the chain stays verifiable; it then removes
    newest first, so that an interrupted purge leaves one gap that the checkpoint covers. On
    PostgreSQL a day partition wholly past the cutoff is dropped (partitions.py): no dead rows,
    no vacuum. What is left (SQLite; rows in a DEFAULT partition) is deleted in primary-key batches."""

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
        tally, upper = Tally(), through_id
        for name, (count, low, high, oldest, newest) in _droppable(log_class, cutoff, through_id):
            if count:
                # Rows elsewhere above this partition go first: the gap stays one run of the chain.
                _delete_batches(events.filter(pk__gt=high, pk__lte=upper), batch_size, tally)
            if not partitions.drop_partition(name):
                logger.warning("audit-log partition %s stayed locked; its rows are deleted instead", name)
                break
            if count:
                tally.add(count, oldest, newest)
                upper = low - 1
        _delete_batches(events.filter(pk__lte=upper), batch_size, tally)
        purges.append(
            AuditPurge.objects.create(
                log_class=log_class,
                retention_days=days,
                cutoff=cutoff,
                deleted=tally.deleted,
                batches=tally.batches,
                oldest_deleted_at=tally.oldest,
                newest_deleted_at=tally.newest,
                started_at=now,
                finished_at=timezone.now(),
            )
        )
        logger.info("purged %s %s audit events older than %s", tally.deleted, log_class, cutoff)
    return purges


class Tally:
    """What a purge removed: rows, batches (a dropped partition counts as one), their time span."""

    def __init__(self):
        self.deleted = self.batches = 0
        self.oldest = self.newest = None

    def add(self, count, oldest, newest):
        self.deleted += count
        self.batches += 1
        self.oldest = min(oldest, self.oldest or oldest)
        self.newest = max(newest, self.newest or newest)


def _droppable(log_class, cutoff, through_id):
    """The class's day partitions wholly before the cutoff whose rows all lie in the purged prefix
    (and no other row between them: only clock skew would put one there), newest first, each with
    (rows, lowest id, highest id, oldest, newest). Empty ones go too, to keep the catalogue small."""
    chosen = []
    if not partitions.is_partitioned():
        return chosen
    for name, day in partitions.day_partitions(log_class):
        if partitions.day_bounds(day)[1] > cutoff:
            break
        summary = partitions.partition_summary(name)
        count, low, high = summary[:3]
        if not count or (high <= through_id and not partitions.foreign_rows(log_class, name, low, high)):
            chosen.append((name, summary))
    return reversed(chosen)


def _delete_batches(doomed, batch_size, tally):
    """Delete newest first in primary-key batches, each in its own short transaction."""
    doomed = doomed.order_by("-pk")
    while rows := list(doomed.values_list("pk", "at")[:batch_size]):
        ids, times = [pk for pk, _ in rows], [at for _, at in rows]
        with transaction.atomic():
            allow_purge()
            # The time range lets PostgreSQL look in the day partitions concerned only.
            batch = doomed.filter(pk__in=ids, at__gte=min(times), at__lte=max(times))
            count, _ = batch.delete()
        tally.add(count, min(times), max(times))


def allow_purge():
    """Lift the PostgreSQL trigger's refusal for the rest of this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('szmz.audit_purge', 'on', true)")
