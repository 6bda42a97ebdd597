"""The minute sweep (DESIGN.md §3) catching up on every obligation at once.

The data is generated with ``reminders="pending"``: every open obligation has its first stage
due, as after a bulk import or a long broker outage. First a sweep over a tenth of them (in a
transaction rolled back afterwards) gives the statements at N/10; sweep 1 then sends everything
due, and its time is printed beside the baseline: the same rows written by one raw
``INSERT … SELECT`` into an indexed copy of the notification table. Sweep 2 at the same instant
must find nothing to do and create no notification (idempotent sending).
"""

from contextlib import contextmanager
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.common import Row, stopwatch
from szmz_security.obligations.models import Notification, Obligation
from szmz_security.obligations.services import sweep

ORDER = 90  # sends every due reminder, so it runs after the benchmarks that read the generated data
COPY = "bench_notification_copy"


@contextmanager
def count_statements():
    """Statements sent, transaction control aside: the sweep of N/10 runs inside a transaction
    rolled back afterwards, which turns the sweep's own BEGIN (SQLite) into a savepoint."""
    counted = []

    def counter(execute, sql, params, many, context):
        if not sql.startswith(("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            counted.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield counted


def _sweep_a_tenth(now):
    """Sweep a tenth of the due rows (the others pushed a century ahead), then roll it all back."""
    due = Obligation.objects.open().filter(next_reminder_at__lte=now).order_by("pk")
    count = due.count()
    with transaction.atomic():
        cutoff = due.values_list("pk", flat=True)[max(0, count // 10 - 1)]
        due.filter(pk__gt=cutoff).update(next_reminder_at=F("next_reminder_at") + timedelta(days=36500))
        with count_statements() as statements, stopwatch() as time:
            result = sweep(now=now)
        transaction.set_rollback(True)
    return result, len(statements), time["seconds"]


def _copy_statements(cursor):
    """The SQL that makes an empty copy of the notification table with all its indexes."""
    table = Notification._meta.db_table
    if connection.vendor == "postgresql":
        return [f"CREATE TABLE {COPY} (LIKE {table} INCLUDING ALL)"]
    cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table])
    statements = [row[0].replace(f'"{table}"', f'"{COPY}"') for row in cursor.fetchall()]
    # index names are per database on SQLite: give the copy's their own
    return [statement.replace('INDEX "', f'INDEX "{COPY}_') for statement in statements]


def _baseline(first_id, foreign_keys=False):
    """One raw INSERT … SELECT of the rows sweep 1 wrote into an indexed copy: seconds. With
    ``foreign_keys`` (PostgreSQL) the copy also has the real table's foreign keys (checked at
    commit, as Django declares them) and the insert its ON CONFLICT DO NOTHING."""
    table = Notification._meta.db_table
    fields = [Notification._meta.get_field(name) for name in ("recipient", "obligation")]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY}")
        for statement in _copy_statements(cursor):
            cursor.execute(statement)
        conflict = ""
        if foreign_keys:
            for field in fields:
                cursor.execute(
                    f"ALTER TABLE {COPY} ADD FOREIGN KEY ({field.column}) "
                    f"REFERENCES {field.related_model._meta.db_table} (id) DEFERRABLE INITIALLY DEFERRED"
                )
            conflict = " ON CONFLICT (recipient_id, key) DO NOTHING"
        with stopwatch() as time, transaction.atomic():
            cursor.execute(f"INSERT INTO {COPY} SELECT * FROM {table} WHERE id > %s{conflict}", [first_id])  # nosec B608 # fixed names
        cursor.execute(f"DROP TABLE {COPY}")
    return time["seconds"]


def run(ctx):
    now = timezone.now()
    due = Obligation.objects.open().filter(next_reminder_at__lte=now).count()
    before = Notification.objects.count()
    last_id = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    result_10, statements_10, time_10 = _sweep_a_tenth(now)

    with count_statements() as statements_1, stopwatch() as time_1:
        result_1 = sweep(now=now)
    after_1 = Notification.objects.count()
    baseline = _baseline(last_id)

    # Nothing to do now: few enough statements to record them in full.
    with CaptureQueriesContext(connection) as queries_2, stopwatch() as time_2:
        sweep(now=now)
    after_2 = Notification.objects.count()

    seconds_1 = time_1["seconds"]
    created_1 = after_1 - before
    rows = [
        Row("obligations with a stage due (N)", due, "rows"),
        Row("sweep of N/10 (rolled back): obligations read", result_10["obligations"], "rows"),
        Row("sweep of N/10 (rolled back): notifications", result_10["notifications"], "rows"),
        Row("sweep of N/10 (rolled back): time", time_10, "s"),
        Row("sweep of N/10 (rolled back): SQL statements", statements_10, "queries"),
        Row("sweep 1: obligations read", result_1["obligations"], "rows"),
        Row("sweep 1: time", seconds_1, "s", seconds_1 / baseline, "baseline"),
        Row("sweep 1: time per 1,000 obligations", 1000 * seconds_1 / max(1, due), "s"),
        Row(
            "sweep 1: SQL statements", len(statements_1), "queries", len(statements_1) / statements_10, "N/10"
        ),
        Row("sweep 1: notifications created", created_1, "rows", created_1 / max(1, due), "per obligation"),
        Row("baseline: the same rows, one raw INSERT … SELECT into an indexed copy", baseline, "s"),
    ]
    if connection.vendor == "postgresql":
        with_keys = _baseline(last_id, foreign_keys=True)
        rows.append(
            Row(
                "baseline with the table's foreign keys and ON CONFLICT DO NOTHING",
                with_keys,
                "s",
                seconds_1 / with_keys,
                "(sweep 1 / this)",
            )
        )
    rows += [
        Row("sweep 2 (same instant): time", time_2["seconds"], "s", time_2["seconds"] / seconds_1, "sweep 1"),
        Row("sweep 2 (same instant): SQL queries", len(queries_2), "queries"),
        Row("sweep 2 (same instant): notifications created", after_2 - after_1, "rows"),
    ]
    if connection.vendor == "postgresql":
        # Sweep 1 rewrote every row's next_reminder_at, so the planner's statistics still say
        # "everything is due" and sweep 2 may walk the primary key. Autovacuum re-analyses a table
        # after such a change; this is the steady state every later minute's sweep sees.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Obligation._meta.db_table)}")
        with CaptureQueriesContext(connection) as queries_3, stopwatch() as time_3:
            sweep(now=now)
        rows += [
            Row(
                "sweep 3 (same instant, after ANALYZE): time",
                time_3["seconds"],
                "s",
                time_3["seconds"] / seconds_1,
                "sweep 1",
            ),
            Row("sweep 3 (same instant, after ANALYZE): SQL queries", len(queries_3), "queries"),
        ]
    return rows
