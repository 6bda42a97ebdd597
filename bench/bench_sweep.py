"""The minute sweep (DESIGN.md §3) catching up on every obligation at once.

The data is generated with ``reminders="pending"``: every open obligation has its first stage
due, as after a bulk import or a long broker outage. First a sweep over a tenth of them (in a
transaction rolled back afterwards) gives the statements at N/10; sweep 1 then sends everything
due — one message per obligation stage, naming its recipients — and its time is printed beside
the baseline: what the per-recipient design wrote (the same messages fanned out, one row per
recipient) by one raw ``INSERT … SELECT`` into an indexed copy of that old table. Sweep 2 at the
same instant must find nothing to do and create no message (idempotent sending).
"""

from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.common import Row, stopwatch
from szmz_security.obligations.models import Notification, NotificationReadMark, Obligation
from szmz_security.obligations.services import sweep

ORDER = 90  # sends every due reminder, so it runs after the benchmarks that read the generated data
COPY = "bench_notification_copy"


@contextmanager
def count_statements():
    """Statements sent (SQL, seconds), transaction control aside: the sweep of N/10 runs inside a
    transaction rolled back afterwards, which turns the sweep's own BEGIN (SQLite) into a savepoint."""
    counted = []

    def counter(execute, sql, params, many, context):
        if sql.startswith(("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            return execute(sql, params, many, context)
        with stopwatch() as time:
            result = execute(sql, params, many, context)
        counted.append((sql, time["seconds"]))
        return result

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


# The per-recipient table the sweep used to write (one row per recipient and stage), with its
# indexes: the baseline writes the same messages fanned out into it.
OLD_COLUMNS = {
    "recipient_id": "bigint NOT NULL",
    "key": "varchar(200) NOT NULL",
    "obligation_id": "bigint NULL",
    "stage": "varchar(30) NOT NULL",
    "level": "varchar(10) NOT NULL",
    "title": "varchar(200) NOT NULL",
    "body": "text NOT NULL",
    "url": "varchar(300) NOT NULL",
    "created_at": "{time} NOT NULL",
    "read_at": "{time} NULL",
    "email_status": "varchar(10) NOT NULL",
    "emailed_at": "{time} NULL",
    "email_error": "varchar(300) NOT NULL",
    "email_attempts": "smallint NOT NULL",
    "email_next_attempt_at": "{time} NULL",
}
OLD_INDEXES = [
    ("UNIQUE", "recipient_id, key"),
    ("", "recipient_id, read_at"),
    ("", "email_status, email_next_attempt_at"),
    ("", "created_at"),
    ("", "obligation_id"),
]


def _old_table_statements():
    postgresql = connection.vendor == "postgresql"
    key = "id bigserial PRIMARY KEY" if postgresql else "id integer PRIMARY KEY AUTOINCREMENT"
    time = "timestamp with time zone" if postgresql else "datetime"
    columns = ", ".join(f"{name} {kind.format(time=time)}" for name, kind in OLD_COLUMNS.items())
    return [f"CREATE TABLE {COPY} ({key}, {columns})"] + [
        f"CREATE {unique} INDEX {COPY}_{number} ON {COPY} ({fields})"
        for number, (unique, fields) in enumerate(OLD_INDEXES)
    ]


def _fanned_out_rows(first_id):
    """SELECT of the per-recipient rows of the messages after ``first_id``: message × recipient."""
    table = Notification._meta.db_table
    if connection.vendor == "postgresql":
        each, user_id = (
            "CROSS JOIN LATERAL jsonb_array_elements_text(n.recipients) AS r(value)",
            "r.value::bigint",
        )
    else:
        each, user_id = "CROSS JOIN json_each(n.recipients) AS r", "r.value"
    return (
        f"SELECT {user_id}, n.key, n.obligation_id, n.stage, n.level, n.title, n.body, n.url, "  # nosec B608 # fixed names
        f"n.created_at, NULL, 'pending', NULL, '', 0, NULL FROM {table} n {each} WHERE n.id > %s"
    )


def _baseline(first_id, foreign_keys=False):
    """What the per-recipient design wrote, at its cheapest: one raw INSERT … SELECT of the
    messages after ``first_id`` fanned out to their recipients into an indexed copy of the old
    table. Seconds. With ``foreign_keys`` (PostgreSQL) the copy also has the old table's foreign
    keys (checked at commit, as Django declares them) and the insert its ON CONFLICT DO NOTHING."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY}")
        for statement in _old_table_statements():
            cursor.execute(statement)
        conflict = ""
        if foreign_keys:
            for column, model in (("recipient_id", get_user_model()), ("obligation_id", Obligation)):
                cursor.execute(
                    f"ALTER TABLE {COPY} ADD FOREIGN KEY ({column}) "
                    f"REFERENCES {model._meta.db_table} (id) DEFERRABLE INITIALLY DEFERRED"
                )
            conflict = " ON CONFLICT (recipient_id, key) DO NOTHING"
        columns = ", ".join(OLD_COLUMNS)
        with stopwatch() as time, transaction.atomic():
            cursor.execute(
                f"INSERT INTO {COPY} ({columns}) {_fanned_out_rows(first_id)}{conflict}", [first_id]
            )  # nosec B608 # fixed names
        cursor.execute(f"DROP TABLE {COPY}")
    return time["seconds"]


def _recipients_reached(first_id):
    length = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM({length}(recipients)), 0) FROM {Notification._meta.db_table} WHERE id > %s",  # nosec B608 # fixed names
            [first_id],
        )
        return cursor.fetchone()[0]


def _most_told():
    """The user named by the most messages, and how many."""
    table = Notification._meta.db_table
    if connection.vendor == "postgresql":
        each, user_id = "jsonb_array_elements_text(n.recipients) AS r(value)", "r.value::bigint"
    else:
        each, user_id = "json_each(n.recipients) AS r", "r.value"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {user_id}, count(*) FROM {table} n, {each} GROUP BY 1 ORDER BY 2 DESC LIMIT 1"  # nosec B608 # fixed names
        )
        return cursor.fetchone() or (None, 0)


def _bell_rows(now):
    """The bell of the user with the most messages, before and after "mark all read" (rolled
    back): the count is capped at 100 rows, and after the mark it reads only newer messages."""
    user_id, count = _most_told()
    if user_id is None:
        return []
    user = get_user_model().objects.get(pk=user_id)
    if connection.vendor == "postgresql":  # as autovacuum does after the sweep's insert
        with connection.cursor() as cursor:
            for model in (Notification, NotificationReadMark):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    rows = []
    with transaction.atomic():
        for label, mark in (("all unread", None), ("all read (mark-all-read)", now)):
            if mark is not None:
                NotificationReadMark.objects.update_or_create(user=user, defaults={"read_through": mark})
            Notification.objects.unread_badge(user)  # warm
            with stopwatch() as time:
                badge = Notification.objects.unread_badge(user)
            plan = ""
            if connection.vendor == "postgresql":
                unread = Notification.objects.unread_for(user).order_by().values("pk")[:100]
                lines = unread.explain().splitlines()
                plan = " — " + " / ".join(
                    line.split("(cost")[0].strip(" ->") for line in lines if "Scan" in line
                )
            rows.append(
                Row(
                    f"bell of the user told most ({count:,} messages), {label}: badge {badge}{plan}",
                    time["seconds"] * 1000,
                    "ms",
                )
            )
        transaction.set_rollback(True)
    return rows


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
    # The two writes: the messages, then the obligations' bookkeeping (unchanged by the design).
    insert_1 = sum(seconds for sql, seconds in statements_1 if "INSERT INTO" in sql)
    update_1 = sum(
        seconds
        for sql, seconds in statements_1
        if sql.lstrip().startswith(("UPDATE", "WITH")) and "INSERT INTO" not in sql
    )
    created_1 = after_1 - before
    reached_1 = _recipients_reached(last_id)
    rows = [
        Row("obligations with a stage due (N)", due, "rows"),
        Row("sweep of N/10 (rolled back): obligations read", result_10["obligations"], "rows"),
        Row("sweep of N/10 (rolled back): messages", result_10["notifications"], "rows"),
        Row("sweep of N/10 (rolled back): time", time_10, "s"),
        Row("sweep of N/10 (rolled back): SQL statements", statements_10, "queries"),
        Row("sweep 1: obligations read", result_1["obligations"], "rows"),
        Row("sweep 1: time", seconds_1, "s", seconds_1 / baseline, "baseline"),
        Row("sweep 1: time per 1,000 obligations", 1000 * seconds_1 / max(1, due), "s"),
        Row(
            "sweep 1: SQL statements", len(statements_1), "queries", len(statements_1) / statements_10, "N/10"
        ),
        Row(
            "sweep 1: messages written (one per obligation stage)",
            created_1,
            "rows",
            created_1 / max(1, due),
            "per obligation",
        ),
        Row(
            "sweep 1: recipients reached (sum over the messages)",
            reached_1,
            "people",
            reached_1 / max(1, created_1),
            "per message",
        ),
        Row(
            "baseline: those recipients' per-recipient rows, one raw INSERT … SELECT into an indexed copy of the old table",
            baseline,
            "s",
        ),
        Row("sweep 1: of which the messages' INSERT", insert_1, "s", insert_1 / baseline, "baseline"),
        Row(
            "sweep 1: of which the obligations' bookkeeping UPDATE",
            update_1,
            "s",
            update_1 / baseline,
            "baseline",
        ),
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
        Row("sweep 2 (same instant): messages created", after_2 - after_1, "rows"),
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
    return rows + _bell_rows(now)
