"""The one-minute sweep that reminds and escalates (DESIGN.md §3), as a few set-based statements.

A sweep takes the due rows' ids with ``select_for_update(skip_locked=True)`` (a sweep running at
the same time skips them, and closing an obligation waits for the sweep's commit), writes every
message they owe, then advances their bookkeeping (``last_stage_index``, ``next_reminder_at``) —
one statement per step, whatever the number of due obligations.

A message is one row per obligation stage with its recipients' ids, fixed when it is sent (issue
#14's leaner design: about six times fewer rows than one per recipient); each person's read and
e-mail state is written later, when it happens (``NotificationReceipt``).

On PostgreSQL the stages due, their recipients and the messages are computed in SQL: one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` and one ``UPDATE … FROM``. Elsewhere (SQLite) the
same plan is made in Python and written by one ``executemany`` each. Either way once-only rests
on the unique key of the message, not on the bookkeeping: a retried sweep, or one that read a row
before another committed, inserts nothing twice. E-mail goes out afterwards (services.py): each
message's recipients with an address get a receipt, each receipt claimed by a compare-and-set.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from szmz_security.core.tasks import enqueue_on_commit
from szmz_security.org.models import Department
from szmz_security.org.roles import DEPARTMENT_HEAD, ROLES_BY_CODE

from .models import Notification, Obligation
from .stages import next_reminder, reminder_stages, stages_to_send

# What a notification about a restricted obligation says instead of its title, which quotes the
# record (a leak's subject): notifications reach escalation roles without the right to read it.
RESTRICTED_TITLE = "知悉范围受限事项（待办 #{pk}）"
TITLE_LENGTH = Notification._meta.get_field("title").max_length
URL_LENGTH = Notification._meta.get_field("url").max_length


def sweep(now=None):
    """Send every reminder stage that has fallen due. Returns counts; safe to run twice, and
    two sweeps at once send nothing twice."""
    now = now or timezone.now()
    stages = reminder_stages()
    with transaction.atomic():
        due = Obligation.objects.filter(state=Obligation.State.OPEN, next_reminder_at__lte=now)
        ids = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True))
        if not ids:
            return {"obligations": 0, "notifications": 0}
        if not stages:  # nothing will ever be sent: stop looking at these rows
            due.update(next_reminder_at=None)
            return {"obligations": len(ids), "notifications": 0}
        if connection.vendor == "postgresql":
            created = _insert_notifications_sql(ids, stages, now)
            _advance_bookkeeping_sql(ids, stages, now)
        else:
            # SQLite's transactions take the write lock at BEGIN (IMMEDIATE): the due rows read
            # again are the same rows, and no list of ids hits its limit on parameters.
            created = _sweep_portable(due, stages, now)
    if created:
        enqueue_on_commit("obligations.deliver_email")
    return {"obligations": len(ids), "notifications": created}


# --- PostgreSQL: the plan in SQL --------------------------------------------------------------

STAGE_TIME = """CASE WHEN s.fraction IS NOT NULL
    THEN o.created_at + (o.due_at - o.created_at) * s.fraction
    ELSE o.due_at + make_interval(mins => s.offset_minutes) END"""


def _stage_values(stages):
    """The stages as a VALUES list ``stage(idx, key, label, audience, fraction, offset_minutes,
    level)`` and its parameters."""
    rows = ", ".join(["(%s::int, %s::text, %s::text, %s::text, %s::float8, %s::int, %s::text)"] * len(stages))
    params = [
        value
        for stage in stages
        for value in (
            stage.index,
            stage.key,
            stage.label,
            stage.audience,
            stage.fraction,
            stage.offset_minutes,
            stage.level,
        )
    ]
    return f"stage(idx, key, label, audience, fraction, offset_minutes, level) AS (VALUES {rows})", params


def _names():
    quote = connection.ops.quote_name
    user_model = get_user_model()
    return {
        "obligation": quote(Obligation._meta.db_table),
        "notification": quote(Notification._meta.db_table),
        "user": quote(user_model._meta.db_table),
        "user_groups": quote(user_model.groups.through._meta.db_table),
        "group": quote(Group._meta.db_table),
        "department": quote(Department._meta.db_table),
    }


def _insert_notifications_sql(ids, stages, now):
    """One INSERT … SELECT: the stages due per obligation (the furthest passed per audience, as
    ``stages_to_send``), one message each with its audience's ids, as ``_message`` writes it.
    Returns the number of messages written."""
    stage_cte, stage_params = _stage_values(stages)
    roles = ", ".join(["(%s::text, %s::text)"] * len(ROLES_BY_CODE))
    role_params = [value for code, role in ROLES_BY_CODE.items() for value in (code, role.name)]
    url_prefix, url_suffix = _url_parts()
    names = _names()
    # Recipients, as RecipientDirectory: active holders of the obligation's roles; its
    # department's heads (active members of the department who hold the head role) unless the
    # record is restricted; its assignee; and on escalation the holders of the escalation roles.
    sql = f"""
WITH {stage_cte},
role_group(code, group_id) AS (
    SELECT r.code, g.id FROM (VALUES {roles}) AS r(code, name) JOIN {names["group"]} g ON g.name = r.name
),
holder(code, user_id) AS (
    SELECT rg.code, ug.user_id FROM role_group rg
    JOIN {names["user_groups"]} ug ON ug.group_id = rg.group_id
    JOIN {names["user"]} u ON u.id = ug.user_id AND u.is_active
),
head(department_id, user_id) AS (
    SELECT d.id, ug.user_id FROM {names["department"]} d
    JOIN {names["user_groups"]} ug ON ug.group_id = d.group_id
    JOIN holder h ON h.user_id = ug.user_id AND h.code = %s
),
passed AS (
    SELECT o.id, o.title, o.clause, o.authority, o.restricted, o.due_at, o.department_id,
           o.assignee_id, o.notify_roles, o.escalate_roles, s.idx, s.key, s.label, s.audience, s.level
    FROM unnest(%s::bigint[]) AS due(id) JOIN {names["obligation"]} o ON o.id = due.id
    CROSS JOIN stage s WHERE s.idx > o.last_stage_index AND {STAGE_TIME} <= %s
),
send AS (
    SELECT DISTINCT ON (id, audience) * FROM passed ORDER BY id, audience, idx DESC
),
recipient(id, key, user_id) AS (
    SELECT id, key, assignee_id FROM send WHERE assignee_id IS NOT NULL
    UNION
    SELECT s.id, s.key, h.user_id FROM send s
    CROSS JOIN LATERAL jsonb_array_elements_text(s.notify_roles) AS r(code)
    JOIN holder h ON h.code = r.code
    UNION
    SELECT s.id, s.key, h.user_id FROM send s JOIN head h ON h.department_id = s.department_id
    WHERE NOT s.restricted
    UNION
    SELECT s.id, s.key, h.user_id FROM send s
    CROSS JOIN LATERAL jsonb_array_elements_text(s.escalate_roles) AS r(code)
    JOIN holder h ON h.code = r.code
    WHERE s.audience = 'escalation'
),
audience AS (
    SELECT r.id, r.key, jsonb_agg(r.user_id ORDER BY r.user_id) AS user_ids, bool_or(u.email <> '') AS mailed
    FROM recipient r JOIN {names["user"]} u ON u.id = r.user_id GROUP BY r.id, r.key
),
message AS (
    SELECT s.*, a.user_ids, a.mailed,
        CASE WHEN s.restricted THEN replace(%s, '{{pk}}', s.id::text) ELSE s.title END AS what,
        to_char(s.due_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI') AS due,
        floor(extract(epoch FROM (%s - s.due_at)) / 3600)::int AS hours_late
    FROM send s JOIN audience a ON a.id = s.id AND a.key = s.key
),
inserted AS (
    INSERT INTO {names["notification"]} (
        key, obligation_id, stage, level, title, body, url, created_at, recipients, email_fanout_due
    )
    SELECT 'obligation:' || m.id || ':' || m.key, m.id, m.key, m.level,
        left('【' || m.label || '】' || m.what, {TITLE_LENGTH}),
        m.what || chr(10) || '依据：' || m.clause || chr(10)
            || CASE WHEN m.due_at > %s THEN '截止时间 ' || m.due
                    WHEN m.hours_late > 0 THEN '已于 ' || m.due || ' 到期，逾期 ' || m.hours_late || ' 小时'
                    ELSE '已于 ' || m.due || ' 到期' END
            || '。' || CASE WHEN m.authority <> '' THEN chr(10) || '报送对象：' || m.authority ELSE '' END,
        left(%s || m.id || %s, {URL_LENGTH}), %s, m.user_ids, m.mailed
    FROM message m
    ON CONFLICT (key) DO NOTHING
    RETURNING 1
)
SELECT count(*) FROM inserted
"""  # nosec B608 # quoted names from _meta and integers; every value is a parameter
    params = [
        *stage_params,
        *role_params,
        DEPARTMENT_HEAD.code,
        ids,
        now,
        RESTRICTED_TITLE,
        timezone.get_current_timezone_name(),
        now,
        now,
        url_prefix,
        url_suffix,
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _advance_bookkeeping_sql(ids, stages, now):
    """One UPDATE: the furthest stage passed becomes ``last_stage_index``, and the earliest
    stage after it ``next_reminder_at`` (as ``next_reminder``), NULL when none is left."""
    stage_cte, stage_params = _stage_values(stages)
    table = _names()["obligation"]
    # Per row two look-ups in the five-row stage list (correlated subqueries), rather than a join
    # of every row with every stage aggregated twice: a third of the statement's time.
    sql = f"""
WITH {stage_cte},
reached AS (
    SELECT o.id, o.created_at, o.due_at, COALESCE(
        (SELECT MAX(s.idx) FROM stage s WHERE s.idx > o.last_stage_index AND {STAGE_TIME} <= %s),
        o.last_stage_index
    ) AS last_index
    FROM unnest(%s::bigint[]) AS due(id) JOIN {table} o ON o.id = due.id
)
UPDATE {table} SET last_stage_index = o.last_index,
    next_reminder_at = (SELECT MIN({STAGE_TIME}) FROM stage s WHERE s.idx > o.last_index)
FROM reached o WHERE {table}.id = o.id
"""  # nosec B608 # quoted names from _meta; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*stage_params, now, ids])


def _url_parts():
    """The obligation page's address around its id, so SQL can build it for every row."""
    marker = 987654321
    prefix, suffix = reverse("obligations:obligation", args=[marker]).rsplit(str(marker), 1)
    return prefix, suffix


# --- elsewhere: the same plan in Python -------------------------------------------------------


class RecipientDirectory:
    """Who holds which role, who heads which department, and their addresses: one query."""

    def __init__(self):
        user_model = get_user_model()
        names_to_codes = {role.name: code for code, role in ROLES_BY_CODE.items()}
        memberships = user_model.groups.through.objects.filter(user__is_active=True)
        self.by_role = defaultdict(set)
        groups = defaultdict(set)  # a department's group id -> its members
        self.emails = {}
        rows = memberships.filter(group__name__in=names_to_codes) | memberships.filter(
            group__department__isnull=False
        )
        for user_id, group_name, department_id, email in rows.values_list(
            "user_id", "group__name", "group__department", "user__email"
        ):
            self.emails[user_id] = email
            if department_id is not None:
                groups[department_id].add(user_id)
            elif group_name in names_to_codes:
                self.by_role[names_to_codes[group_name]].add(user_id)
        heads = self.by_role[DEPARTMENT_HEAD.code]
        self.heads_by_department = defaultdict(set)
        for department_id, members in groups.items():
            self.heads_by_department[department_id] = members & heads

    def owners(self, obligation):
        people = set()
        for code in obligation.notify_roles:
            people |= self.by_role[code]
        # A need-to-know record is not announced to its department's head unless named.
        if not obligation.restricted:
            people |= self.heads_by_department[obligation.department_id]
        if obligation.assignee_id:
            people.add(obligation.assignee_id)
        return people

    def escalation(self, obligation):
        people = self.owners(obligation)
        for code in obligation.escalate_roles:
            people |= self.by_role[code]
        return people


def _message(obligation, stage, now):
    due = timezone.localtime(obligation.due_at).strftime("%Y-%m-%d %H:%M")
    if obligation.due_at <= now:
        late = now - obligation.due_at
        hours = int(late.total_seconds() // 3600)
        timing = f"已于 {due} 到期，逾期 {hours} 小时" if hours else f"已于 {due} 到期"
    else:
        timing = f"截止时间 {due}"
    what = RESTRICTED_TITLE.format(pk=obligation.pk) if obligation.restricted else obligation.title
    title = f"【{stage.label}】{what}"[:TITLE_LENGTH]
    body = f"{what}\n依据：{obligation.clause}\n{timing}。"
    if obligation.authority:
        body += f"\n报送对象：{obligation.authority}"
    return title, body


def _sweep_portable(due, stages, now):
    rows = list(due.select_related("assignee").order_by("pk"))
    directory = RecipientDirectory()
    url_prefix, url_suffix = _url_parts()
    messages = []
    for obligation in rows:
        to_send, passed = stages_to_send(obligation, stages, now)
        url = f"{url_prefix}{obligation.pk}{url_suffix}"[:URL_LENGTH]
        for stage in to_send:
            audience = directory.escalation if stage.audience == "escalation" else directory.owners
            user_ids = sorted(audience(obligation))
            if not user_ids:
                continue
            # The assignee is told even after leaving (inactive), as ever: their address
            # comes with the row, everyone else's with the directory.
            mailed = any(
                obligation.assignee.email
                if user_id == obligation.assignee_id
                else directory.emails.get(user_id)
                for user_id in user_ids
            )
            title, body = _message(obligation, stage, now)
            messages.append(
                (f"obligation:{obligation.pk}:{stage.key}", obligation.pk, stage.key, stage.level)
                + (title, body, url, now, user_ids, mailed)
            )
        if passed:
            obligation.last_stage_index = max(stage.index for stage in passed)
        obligation.next_reminder_at = next_reminder(obligation, stages, obligation.last_stage_index)
    return _write_portable(messages, rows)


def _write_portable(messages, rows):
    """One ``executemany`` for the messages (ON CONFLICT DO NOTHING, SQLite ≥ 3.24) and one for
    the bookkeeping; neither bookkeeping field is tracked by history."""
    quote = connection.ops.quote_name
    names = _names()
    fields = [
        Notification._meta.get_field(name)
        for name in (
            *("key", "obligation", "stage", "level", "title", "body", "url", "created_at"),
            *("recipients", "email_fanout_due"),
        )
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    next_at = Obligation._meta.get_field("next_reminder_at")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {names['notification']} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # nosec B608 # quoted names from _meta, values are parameters
            f"ON CONFLICT ({quote('key')}) DO NOTHING",
            [
                [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]
                for row in messages
            ],
        )
        created = max(cursor.rowcount, 0)  # rows inserted; the conflicting ones are not counted
        cursor.executemany(
            f"UPDATE {names['obligation']} SET {quote('last_stage_index')} = %s, "  # nosec B608 # quoted names from _meta, values are parameters
            f"{quote('next_reminder_at')} = %s WHERE {quote('id')} = %s",
            [
                (row.last_stage_index, next_at.get_db_prep_save(row.next_reminder_at, connection), row.pk)
                for row in rows
            ],
        )
    return created
