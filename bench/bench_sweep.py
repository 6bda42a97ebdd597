"""The minute sweep (DESIGN.md §3) catching up on every obligation at once.

The data is generated with ``reminders="pending"``: every open obligation has its first stage
due, as after a bulk import or a long broker outage. Sweep 1 sends everything due; sweep 2 at the
same instant must find nothing to do and create no notification (idempotent sending).
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.common import Row, count_queries, stopwatch
from szmz_security.obligations.models import Notification, Obligation
from szmz_security.obligations.services import sweep

ORDER = 90  # sends every due reminder, so it runs after the benchmarks that read the generated data


def run(ctx):
    now = timezone.now()
    due = Obligation.objects.open().filter(next_reminder_at__lte=now).count()
    before = Notification.objects.count()

    with count_queries() as queries_1, stopwatch() as time_1:
        result_1 = sweep(now=now)
    after_1 = Notification.objects.count()

    # Nothing to do now: few enough statements to record them in full.
    with CaptureQueriesContext(connection) as queries_2, stopwatch() as time_2:
        sweep(now=now)
    after_2 = Notification.objects.count()

    seconds_1 = time_1["seconds"]
    created_1 = after_1 - before
    rows = [
        Row("obligations with a stage due", due, "rows"),
        Row("sweep 1: obligations read", result_1["obligations"], "rows"),
        Row("sweep 1: time", seconds_1, "s"),
        Row("sweep 1: time per 1,000 obligations", 1000 * seconds_1 / max(1, due), "s"),
        Row("sweep 1: SQL queries", queries_1.count, "queries"),
        Row("sweep 1: notifications created", created_1, "rows", created_1 / max(1, due), "per obligation"),
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
