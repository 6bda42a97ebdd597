"""The audit-log purge (issue #14): drop one day's partition vs the batch delete it replaces.

``5,000,000 × scale`` access-log events are written over ``DAYS`` days (PostgreSQL: straight into
the day partitions with one ``INSERT … SELECT``), then copied into a plain table with the same
indexes and append-only trigger. The purge of the oldest day is measured on both: the plain
table swapped in under the audit table's name (``is_partitioned()`` is then false, so
``purge_expired`` takes its batch path, the code as it was), then on the partitioned table (the
partition is dropped). Meanwhile another connection appends audit events of the same class
through ``record`` as fast as it can; its longest write is printed beside the same writer's
longest with no purge running. The rows carry placeholder hashes: the chain is not verified here
(tests/auditlog/test_partitions.py does that), only the checkpoint's lookups are paid.

On SQLite only the batch delete exists; it is measured on ``500,000 × scale`` rows.
"""

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections
from django.test.utils import override_settings
from django.utils import timezone

from bench.common import Row, percentile, stopwatch
from szmz_security.auditlog import partitions
from szmz_security.auditlog.models import AuditChainHead, AuditEvent, AuditPurge
from szmz_security.auditlog.retention import purge_expired
from szmz_security.auditlog.services import record

ORDER = 85  # writes millions of audit rows: after the benchmarks that read the generated data
ROWS_PER_SCALE = 5_000_000
SQLITE_ROWS_PER_SCALE = 500_000
DAYS = 30
RETENTION = 60
TABLE = partitions.TABLE
FLAT = "bench_auditevent_flat"


class Writer(threading.Thread):
    """Appends access-log events on its own connection; records each write's duration (ms)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.timings, self.error = threading.Event(), [], None

    def run(self):
        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                record(AuditEvent.Kind.VIEW, username="bench-writer", document="purge")
                self.timings.append(1000 * (time.perf_counter() - started))
        except Exception as error:  # noqa: BLE001 - reported as a figure below
            self.error = error
        finally:
            connections.close_all()


def while_writing(action):
    """(seconds of action, the writer's longest write ms, its p99, writes done)."""
    writer = Writer()
    writer.start()
    time.sleep(0.5)  # the writer is under way before the purge starts
    with stopwatch() as timer:
        result = action()
    time.sleep(0.2)
    writer.stop.set()
    writer.join()
    if writer.error:
        raise writer.error
    return (
        result,
        timer["seconds"],
        max(writer.timings),
        percentile(writer.timings, 0.99),
        len(writer.timings),
    )


def idle_writes(seconds=3.0):
    return while_writing(lambda: time.sleep(seconds))


def fill(rows, first_day):
    """``rows`` access events, evenly over DAYS local days from ``first_day``, in time order."""
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))
    step = timedelta(days=DAYS) / rows
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {TABLE} (at, kind, log_class, outcome, username, user_agent, object_id,
                                 object_repr, detail, prev_hash, hash)
            SELECT %s + (i * %s::interval), 'view', 'access', 'success', 'user' || (i %% 1000), '',
                   i::text, '事件 ' || i, '{{}}', md5((i - 1)::text) || md5(i::text),
                   md5(i::text) || md5((i + 1)::text)
            FROM generate_series(0, %s - 1) AS i
            """,  # nosec B608 # table names are the bench's constants; values are parameters
            [start, step, rows],
        )


def flat_copy():
    """A plain table with the same rows, indexes and trigger: the audit table before issue #14."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLAT}")
        cursor.execute(f"CREATE TABLE {FLAT} (LIKE {TABLE} INCLUDING DEFAULTS)")
        cursor.execute(f"INSERT INTO {FLAT} SELECT * FROM {TABLE}")  # nosec B608 # table names are the bench's constants; values are parameters
        cursor.execute(f"ALTER TABLE {FLAT} ADD PRIMARY KEY (id)")
        for columns in (
            "log_class, at",
            "at DESC",
            "username, at",
            "log_class, id",
            "object_type_id",
            "user_id",
        ):
            cursor.execute(f"CREATE INDEX ON {FLAT} ({columns})")
        cursor.execute(
            f"CREATE TRIGGER {FLAT}_append_only BEFORE UPDATE OR DELETE ON {FLAT} "
            "FOR EACH ROW EXECUTE FUNCTION auditlog_auditevent_append_only()"
        )
        cursor.execute(f"ANALYZE {FLAT}")


def swap():
    """Exchange the names of the partitioned audit table and the plain copy."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {TABLE} RENAME TO bench_swap; ALTER TABLE {FLAT} RENAME TO {TABLE}; "
            f"ALTER TABLE bench_swap RENAME TO {FLAT}"
        )


def one_day_purge(now):
    [purge] = [p for p in purge_expired(now=now) if p.log_class == "access"]
    return purge


def run(ctx):
    rows = int((ROWS_PER_SCALE if ctx.database == "postgresql" else SQLITE_ROWS_PER_SCALE) * ctx.scale)
    today = timezone.localdate()
    first_day = today - timedelta(days=RETENTION + DAYS)
    # The purge runs at midnight after the first day's retention: exactly that day is expired.
    start = datetime.combine(first_day, datetime.min.time()).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    now = start + timedelta(days=RETENTION + 1)
    result = []
    retention = dict.fromkeys(settings.AUDIT_RETENTION_DAYS, RETENTION)
    with override_settings(AUDIT_RETENTION_DAYS=retention):
        if ctx.database != "postgresql":
            AuditEvent.objects.bulk_create(
                AuditEvent(kind="view", log_class="access", username=f"u{i % 1000}") for i in range(rows)
            )
            with connection.cursor() as cursor:
                step = DAYS * 86400 / rows
                cursor.execute(
                    f"UPDATE {TABLE} SET at = datetime(%s, '+' || ((id - 1) * %s) || ' seconds')",  # nosec B608 # table names are the bench's constants; values are parameters
                    [start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), step],
                )
            with stopwatch() as timer:
                purge = one_day_purge(now)
            return [
                Row("audit events in the table (SQLite)", rows, "rows"),
                Row("batch delete of one day (SQLite)", timer["seconds"], "s"),
                Row("  rows deleted", purge.deleted, "rows"),
            ]

        partitions.ensure_partitions(
            now=start,
            days_ahead=DAYS + 1,
            log_classes=("access",),
        )
        partitions.ensure_partitions()
        with stopwatch() as timer:
            fill(rows, first_day)
            flat_copy()
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {TABLE}")
        AuditChainHead.rebuild()  # the rows went in around save(): their heads from the log
        result.append(Row("audit events in the table (both copies)", rows, "rows"))
        result.append(Row("fill both copies (INSERT … SELECT, indexes)", timer["seconds"], "s"))

        _, _, idle_max, idle_p99, _ = idle_writes()
        result += [
            Row("write with no purge running: longest", idle_max, "ms"),
            Row("write with no purge running: p99", idle_p99, "ms"),
        ]

        swap()
        try:
            batch, batch_s, batch_max, batch_p99, _ = while_writing(lambda: one_day_purge(now))
        finally:
            swap()
        result += [
            Row("batch delete of one day (plain table, before #14)", batch_s, "s"),
            Row("  rows deleted", batch.deleted, "rows"),
            Row("  batches", batch.batches, "batches"),
            Row("  concurrent write during it: longest", batch_max, "ms", batch_max / idle_max, "no purge"),
            Row("  concurrent write during it: p99", batch_p99, "ms"),
        ]

        AuditPurge.objects.all().delete()
        drop, drop_s, drop_max, drop_p99, _ = while_writing(lambda: one_day_purge(now))
        result += [
            Row("partition drop of one day (this purge)", drop_s, "s", drop_s / batch_s, "batch delete"),
            Row("  rows removed", drop.deleted, "rows"),
            Row("  partitions dropped (+ batches)", drop.batches, "batches"),
            Row("  concurrent write during it: longest", drop_max, "ms", drop_max / idle_max, "no purge"),
            Row("  concurrent write during it: p99", drop_p99, "ms"),
        ]
        with stopwatch() as timer:
            created = partitions.ensure_partitions(now=timezone.now() + timedelta(days=30))
        result.append(Row(f"beat task: create {len(created)} partitions ahead", timer["seconds"], "s"))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLAT}")
    return result
