"""The audit log in daily partitions on PostgreSQL (issue #14). SQLite keeps one plain table.

``auditlog_auditevent`` is partitioned by LIST (log_class), each class by RANGE (at) into one
partition per local day (``auditlog_auditevent_auth_p20260302``), because each class is its own
hash chain with its own retention: the purge drops a whole (class, day) partition instead of
deleting its rows, which leaves no dead tuples to vacuum. A DEFAULT partition per class (and one
for a class without its own) takes any row whose day has no partition yet, so a write never fails.

The primary key in the database is (id, log_class, at), as PostgreSQL requires of a partitioned
table; Django still knows ``id`` as the key, and ids come from one sequence. Nothing references an
audit event by foreign key.

Every DDL here takes its lock with a short ``lock_timeout``: a DROP or CREATE that queued behind a
long reader would make every writer queue behind it. It gives up instead, and is tried again.
"""

import logging
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

TABLE = "auditlog_auditevent"
OLD_TABLE = f"{TABLE}_unpartitioned"
OTHER = f"{TABLE}_other"  # the DEFAULT of the class level: a class without its own partition
LOG_CLASSES = ("auth", "access", "export", "system")
# Partitions are created this many days ahead (the beat task runs hourly; a week survives an outage).
DAYS_AHEAD = 7
# A writer queued behind our DDL waits at most this long (plus the DDL itself, a catalogue change).
LOCK_TIMEOUT_MS = 50
DROP_ATTEMPTS = 20
DAY_NAME = re.compile(r"_p(\d{8})$")


def class_table(log_class):
    return f"{TABLE}_{log_class}"


def day_table(log_class, day):
    return f"{class_table(log_class)}_p{day:%Y%m%d}"


def day_bounds(day):
    """The local day as [start, end) instants (the bureau's days are Beijing time)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)


def is_partitioned(using=connection):
    if using.vendor != "postgresql":
        return False
    with using.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        return cursor.fetchone() is not None


def _exists(cursor, name):
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return cursor.fetchone()[0]


def _quote(name):
    return connection.ops.quote_name(name)


def _create_day(cursor, log_class, day):
    start, end = day_bounds(day)
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {_quote(day_table(log_class, day))} PARTITION OF "
        f"{_quote(class_table(log_class))} FOR VALUES FROM (%s) TO (%s)",
        [start, end],
    )


def _create_class(cursor, log_class):
    cursor.execute(
        f"CREATE TABLE {_quote(class_table(log_class))} PARTITION OF {_quote(TABLE)} "
        "FOR VALUES IN (%s) PARTITION BY RANGE (at)",
        [log_class],
    )
    cursor.execute(
        f"CREATE TABLE {_quote(class_table(log_class) + '_default')} "
        f"PARTITION OF {_quote(class_table(log_class))} DEFAULT"
    )


def _lock_timeout(cursor):
    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")


class _checks_now:
    """Run the deferred foreign-key checks first: PostgreSQL refuses DDL on a table with pending
    trigger events (rows written earlier in the same transaction, as in the tests)."""

    def __init__(self, cursor):
        self.cursor = cursor

    def __enter__(self):
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        return self.cursor

    def __exit__(self, *exc):
        if exc[0] is None:
            self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def ensure_partitions(now=None, days_ahead=DAYS_AHEAD, log_classes=LOG_CLASSES):
    """Create each class's partitions from yesterday to ``days_ahead`` days ahead (the beat task,
    hourly). A day whose rows already went to the DEFAULT partition keeps them there (the purge
    deletes them in batches): attaching that day would have to move them. Returns the names made."""
    if not is_partitioned():
        return []
    today = timezone.localdate(now or timezone.now())
    created = []
    for log_class in log_classes:
        with connection.cursor() as cursor:
            if not _exists(cursor, class_table(log_class)):
                cursor.execute(f"SELECT 1 FROM {_quote(OTHER)} WHERE log_class = %s LIMIT 1", [log_class])  # nosec B608 # table names are this module's constants, quoted; values are parameters
                if cursor.fetchone() or not _try(lambda c, lc=log_class: _create_class(c, lc)):
                    continue
                created.append(class_table(log_class))
            for offset in range(-1, days_ahead + 1):
                day = today + timedelta(days=offset)
                name = day_table(log_class, day)
                if _exists(cursor, name):
                    continue
                start, end = day_bounds(day)
                cursor.execute(
                    f"SELECT 1 FROM {_quote(class_table(log_class) + '_default')} "  # nosec B608 # table names are this module's constants, quoted; values are parameters
                    "WHERE at >= %s AND at < %s LIMIT 1",
                    [start, end],
                )
                if cursor.fetchone():
                    continue
                if _try(lambda c, lc=log_class, d=day: _create_day(c, lc, d)):
                    created.append(name)
    if created:
        logger.info("created audit-log partitions %s", ", ".join(created))
    return created


def _try(ddl):
    """Run one DDL statement under the lock timeout; False if the lock was not granted in time."""
    try:
        with transaction.atomic(), connection.cursor() as cursor, _checks_now(cursor):
            _lock_timeout(cursor)
            ddl(cursor)
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != "55P03":  # lock_not_available
            raise
        logger.warning("audit-log partition DDL postponed: %s", error)
        return False
    return True


# --- the purge's side ------------------------------------------------------------------------------


def day_partitions(log_class):
    """[(name, day)] of the class's day partitions, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [class_table(log_class)],
        )
        names = [name for (name,) in cursor.fetchall()]
    days = [(name, DAY_NAME.search(name)) for name in names]
    return sorted(
        ((name, datetime.strptime(match[1], "%Y%m%d").date()) for name, match in days if match),
        key=lambda item: item[1],
    )


def partition_summary(name):
    """(rows, min id, max id, oldest at, newest at) of one partition."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), min(id), max(id), min(at), max(at) FROM {_quote(name)}")  # nosec B608 # table names are this module's constants, quoted; values are parameters
        return cursor.fetchone()


def foreign_rows(log_class, name, low, high):
    """Whether any row of the class outside the partition has an id within [low, high]: then
    dropping it would not remove a contiguous run of the chain (only after clock skew)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {_quote(TABLE)} WHERE log_class = %s AND id BETWEEN %s AND %s "  # nosec B608 # table names are this module's constants, quoted; values are parameters
            "AND tableoid <> to_regclass(%s) LIMIT 1",
            [log_class, low, high, name],
        )
        return cursor.fetchone() is not None


def drop_partition(name):
    """DROP one partition (the lock on the class table is held for a catalogue change only).
    DETACH … CONCURRENTLY would wait for no one, but PostgreSQL refuses it next to a DEFAULT
    partition; so the DROP waits at most LOCK_TIMEOUT_MS per attempt and retries."""
    for attempt in range(DROP_ATTEMPTS):
        if _try(lambda cursor: cursor.execute(f"DROP TABLE IF EXISTS {_quote(name)}")):
            return True
        time.sleep(min(2.0, 0.1 * 2**attempt))
    return False


# --- the migration: convert an existing table, and back --------------------------------------------


def _indexes(cursor, table):
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
        [table, f"{table}_pkey"],
    )
    return cursor.fetchall()


def _foreign_keys(cursor, table):
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype = 'f'",
        [table],
    )
    return cursor.fetchall()


def _set_aside(cursor):
    """Rename the current table away and free the names (indexes, keys) its successor takes.
    Returns what to recreate on the successor: index definitions and foreign keys."""
    indexes, keys = _indexes(cursor, TABLE), _foreign_keys(cursor, TABLE)
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {_quote(name)}")
    for name, _definition in keys:
        cursor.execute(f"ALTER TABLE {_quote(TABLE)} DROP CONSTRAINT {_quote(name)}")
    cursor.execute(f"ALTER TABLE {_quote(TABLE)} DROP CONSTRAINT {_quote(TABLE + '_pkey')}")
    cursor.execute(f"ALTER TABLE {_quote(TABLE)} RENAME TO {_quote(OLD_TABLE)}")
    return indexes, keys


def _finish(cursor, indexes, keys, trigger_sql):
    """Move the rows, drop the old table, and give the new one its indexes, keys and trigger."""
    cursor.execute(f"INSERT INTO {_quote(TABLE)} SELECT * FROM {_quote(OLD_TABLE)}")  # nosec B608 # table names are this module's constants, quoted; values are parameters
    cursor.execute(f"DROP TABLE {_quote(OLD_TABLE)}")
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in keys:
        cursor.execute(f"ALTER TABLE {_quote(TABLE)} ADD CONSTRAINT {_quote(name)} {definition}")
    cursor.execute(trigger_sql)
    cursor.execute(f"ANALYZE {_quote(TABLE)}")


def partition_table(schema_editor, trigger_sql):
    """Convert the plain table into the partitioned one, keeping every row (ids, hashes: the chain
    verifies as before). Days that hold rows get their partition, and so do the next few."""
    if schema_editor.connection.vendor != "postgresql" or is_partitioned(schema_editor.connection):
        return
    with schema_editor.connection.cursor() as cursor, _checks_now(cursor):
        indexes, keys = _set_aside(cursor)
        cursor.execute(
            f"CREATE TABLE {_quote(TABLE)} (LIKE {_quote(OLD_TABLE)} INCLUDING DEFAULTS) PARTITION BY LIST (log_class)"
        )
        cursor.execute(f"CREATE TABLE {_quote(OTHER)} PARTITION OF {_quote(TABLE)} DEFAULT")
        for log_class in LOG_CLASSES:
            _create_class(cursor, log_class)
        cursor.execute(
            f"SELECT DISTINCT log_class, (at AT TIME ZONE %s)::date FROM {_quote(OLD_TABLE)}",  # nosec B608 # table names are this module's constants, quoted; values are parameters
            [settings.TIME_ZONE],
        )
        days = {(log_class, day) for log_class, day in cursor.fetchall() if log_class in LOG_CLASSES}
        today = timezone.localdate()
        days |= {(c, today + timedelta(days=n)) for c in LOG_CLASSES for n in range(-1, DAYS_AHEAD + 1)}
        for log_class, day in sorted(days):
            _create_day(cursor, log_class, day)
        cursor.execute(f"ALTER TABLE {_quote(TABLE)} ADD PRIMARY KEY (id, log_class, at)")
        _finish(cursor, indexes, keys, trigger_sql)
        # One sequence for every partition (PostgreSQL 15 has no identity on a partitioned table).
        cursor.execute(
            f"CREATE SEQUENCE {_quote(TABLE + '_id_seq')} OWNED BY {_quote(TABLE)}.id; "  # nosec B608 # table names are this module's constants, quoted; values are parameters
            f"SELECT setval('{TABLE}_id_seq', coalesce((SELECT max(id) FROM {_quote(TABLE)}), 0) + 1, false); "
            f"ALTER TABLE {_quote(TABLE)} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')"
        )


def unpartition_table(schema_editor, trigger_sql):
    """The reverse: one plain table with an identity id, as before migration 0005."""
    if not is_partitioned(schema_editor.connection):
        return
    with schema_editor.connection.cursor() as cursor, _checks_now(cursor):
        indexes, keys = _set_aside(cursor)
        cursor.execute(f"ALTER TABLE {_quote(OLD_TABLE)} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"CREATE TABLE {_quote(TABLE)} (LIKE {_quote(OLD_TABLE)})")
        cursor.execute(f"ALTER TABLE {_quote(TABLE)} ADD PRIMARY KEY (id)")
        _finish(cursor, indexes, keys, trigger_sql)
        cursor.execute(
            f"ALTER TABLE {_quote(TABLE)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY; "  # nosec B608 # table names are this module's constants, quoted; values are parameters
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
            f"coalesce((SELECT max(id) FROM {_quote(TABLE)}), 0) + 1, false)"
        )
