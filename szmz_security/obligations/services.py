"""Obligations: creating them, meeting them, and the one-minute sweep that reminds and escalates.

The sweep is the only thing that sends reminders (DESIGN.md §3): no ETA tasks. Each obligation
carries ``next_reminder_at`` (indexed), so a sweep reads only the rows whose next stage is due.
Rows are taken with ``select_for_update(skip_locked=True)``, notifications are inserted with a
unique (recipient, key) so a doubled or retried sweep inserts nothing twice, and e-mail goes out
from the notification table afterwards, each row claimed by a compare-and-set.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from szmz_security.core.tasks import enqueue_on_commit
from szmz_security.org.access import grant
from szmz_security.org.roles import DEPARTMENT_HEAD, ROLES_BY_CODE

from .models import Notification, Obligation

logger = logging.getLogger(__name__)

DEFAULT_NOTIFY_ROLES = ("security_officer",)
DEFAULT_ESCALATE_ROLES = ("leadership",)


@dataclass(frozen=True)
class Stage:
    index: int
    key: str
    label: str
    audience: str
    fraction: float | None = None
    offset_minutes: int | None = None

    def time_for(self, obligation):
        if self.fraction is not None:
            return obligation.created_at + (obligation.due_at - obligation.created_at) * self.fraction
        return obligation.due_at + timedelta(minutes=self.offset_minutes)

    @property
    def level(self):
        if self.offset_minutes is not None and self.offset_minutes >= 0:
            return Notification.Level.DANGER
        return Notification.Level.INFO if self.key == "created" else Notification.Level.WARNING


def reminder_stages():
    """The configured stages, indexed in the order they fall due: the share-of-time stages by
    fraction, then the deadline-relative ones by offset. The sweep's bookkeeping
    (``last_stage_index``) counts on that order; a stage appended to the setting out of order
    would otherwise make every stage listed before it look already sent."""
    specs = list(settings.OBLIGATION_REMINDER_STAGES)
    for spec in specs:
        if ("fraction" in spec) == ("offset_minutes" in spec):
            raise ValueError(
                f"reminder stage {spec.get('key')!r} needs exactly one of fraction / offset_minutes"
            )
        if spec["audience"] not in ("owners", "escalation"):
            raise ValueError(f"reminder stage {spec['key']!r}: audience must be owners or escalation")
    specs.sort(key=lambda spec: ("offset_minutes" in spec, spec.get("fraction", spec.get("offset_minutes"))))
    return [Stage(index=index, **spec) for index, spec in enumerate(specs)]


def schedule(obligation, stages=None):
    """The stages of one obligation with their times, in time order."""
    stages = stages or reminder_stages()
    return sorted(
        ((stage.time_for(obligation), stage) for stage in stages), key=lambda pair: (pair[0], pair[1].index)
    )


def _next_reminder(obligation, stages, after_index):
    times = [(when, stage) for when, stage in schedule(obligation, stages) if stage.index > after_index]
    return times[0][0] if times else None


# --- creating and closing -----------------------------------------------------------------------


def create_obligation(
    *,
    title,
    kind,
    clause,
    due_at,
    department,
    subject=None,
    authority="",
    assignee=None,
    restricted=None,
    notify_roles=DEFAULT_NOTIFY_ROLES,
    escalate_roles=DEFAULT_ESCALATE_ROLES,
    created_at=None,
):
    """Record an obligation. Its first reminder goes out with the next sweep (within a minute);
    a deadline already past is overdue and escalated on that same sweep."""
    unknown = [code for code in (*notify_roles, *escalate_roles) if code not in ROLES_BY_CODE]
    if unknown:
        raise ValueError(f"unknown role codes: {unknown}")
    obligation = Obligation(
        title=title,
        kind=kind,
        clause=clause,
        authority=authority,
        due_at=due_at,
        department=department,
        assignee=assignee,
        notify_roles=list(notify_roles),
        escalate_roles=list(escalate_roles),
        created_at=created_at or timezone.now(),
        restricted=bool(subject is not None and getattr(subject, "is_restricted", lambda: False)())
        if restricted is None
        else restricted,
    )
    if subject is not None:
        obligation.subject_type = ContentType.objects.get_for_model(subject)
        obligation.subject_id = subject.pk
    obligation.next_reminder_at = _next_reminder(obligation, reminder_stages(), -1)
    obligation.save()
    if assignee is not None:
        # The person it is assigned to may open it and record that it is done.
        grant("view", assignee, obligation)
        grant("change", assignee, obligation)
    enqueue_on_commit("obligations.sweep")
    return obligation


def reschedule(obligation, *, due_at, reason):
    """Move an open obligation's deadline (e.g. a corrected discovery time); the stages still to
    come follow the new deadline, those already sent are not sent again."""
    if not obligation.is_open:
        raise ValidationError("该义务已关闭，不能调整截止时间。")
    obligation.due_at = due_at
    obligation.next_reminder_at = _next_reminder(obligation, reminder_stages(), obligation.last_stage_index)
    obligation._change_reason = f"截止时间调整：{reason}"
    obligation.save()
    return obligation


def meet(obligation, *, by, evidence, at=None):
    """Mark an obligation met; after its deadline it is met late, and shown so."""
    at = at or timezone.now()
    if not obligation.is_open:
        raise ValidationError("该义务已关闭，不能再次完成。")
    if not evidence.strip():
        raise ValidationError({"evidence": "请填写完成证据（如报送回执编号、记录说明）。"})
    if at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"met_at": "完成时间不能晚于当前时间。"})
    obligation.state = Obligation.State.MET if at <= obligation.due_at else Obligation.State.MET_LATE
    obligation.met_at = at
    obligation.met_by = by
    obligation.evidence = evidence.strip()
    obligation.next_reminder_at = None
    obligation._change_reason = f"完成：{obligation.get_state_display()}"
    obligation.save()
    return obligation


def waive(obligation, *, by, reason):
    """An obligation no longer owed is never deleted: it is marked so, with who and why."""
    if not obligation.is_open:
        raise ValidationError("该义务已关闭。")
    if not reason.strip():
        raise ValidationError({"waived_reason": "请说明不再需要的原因。"})
    obligation.state = Obligation.State.WAIVED
    obligation.waived_by = by
    obligation.waived_at = timezone.now()
    obligation.waived_reason = reason.strip()
    obligation.next_reminder_at = None
    obligation._change_reason = f"不再需要：{reason.strip()}"
    obligation.save()
    return obligation


# --- the sweep ----------------------------------------------------------------------------------


class RecipientDirectory:
    """Who holds which role and who heads which department, loaded once per sweep."""

    def __init__(self):
        user_model = get_user_model()
        self.by_role = defaultdict(set)
        names_to_codes = {role.name: code for code, role in ROLES_BY_CODE.items()}
        memberships = user_model.groups.through.objects.filter(user__is_active=True)
        for user_id, group_name in memberships.filter(group__name__in=names_to_codes).values_list(
            "user_id", "group__name"
        ):
            self.by_role[names_to_codes[group_name]].add(user_id)
        heads = self.by_role[DEPARTMENT_HEAD.code]
        self.heads_by_department = defaultdict(set)
        for user_id, department_id in memberships.filter(
            user_id__in=heads, group__department__isnull=False
        ).values_list("user_id", "group__department"):
            self.heads_by_department[department_id].add(user_id)
        self._emails = {}

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

    def load_emails(self, user_ids):
        missing = set(user_ids) - set(self._emails)
        if missing:
            self._emails.update(get_user_model().objects.filter(pk__in=missing).values_list("pk", "email"))
        return self._emails


def _stages_to_send(obligation, stages, now):
    """The stages that fell due since the last sweep. When several fell due at once (a deadline
    already past at filing, or a long outage) only the latest per audience is sent: an overdue
    notice makes the half-time notice pointless, but escalation is never skipped."""
    passed = [
        stage
        for when, stage in schedule(obligation, stages)
        if stage.index > obligation.last_stage_index and when <= now
    ]
    # "Latest" is the furthest stage in the configured order, not the latest time: for a deadline
    # already past at filing the fraction stages ("created", "halfway") are computed after the
    # deadline stages, and time order would announce an overdue obligation as merely new.
    latest = {}
    for stage in passed:
        if stage.audience not in latest or stage.index > latest[stage.audience].index:
            latest[stage.audience] = stage
    return sorted(latest.values(), key=lambda stage: stage.index), passed


def _message(obligation, stage, now):
    due = timezone.localtime(obligation.due_at).strftime("%Y-%m-%d %H:%M")
    if obligation.due_at <= now:
        late = now - obligation.due_at
        hours = int(late.total_seconds() // 3600)
        timing = f"已于 {due} 到期，逾期 {hours} 小时" if hours else f"已于 {due} 到期"
    else:
        timing = f"截止时间 {due}"
    # A restricted obligation's title quotes its record (a leak's subject): notifications and
    # e-mails reach escalation roles without the right to read it, so they name only the deadline.
    what = f"知悉范围受限事项（待办 #{obligation.pk}）" if obligation.restricted else obligation.title
    title = f"【{stage.label}】{what}"
    body = f"{what}\n依据：{obligation.clause}\n{timing}。"
    if obligation.authority:
        body += f"\n报送对象：{obligation.authority}"
    return title, body


def _save_bookkeeping(rows):
    """Write each row's ``last_stage_index`` and ``next_reminder_at`` in one statement per batch.

    ``bulk_update`` builds a CASE expression per row and per field, which cost more than all the
    rest of a catching-up sweep (bench/bench_sweep.py). PostgreSQL takes one ``UPDATE … FROM
    (VALUES …)``; other databases one parametrised UPDATE run by ``executemany``. Neither field is
    tracked by history (``Obligation.history`` excludes them).
    """
    if not rows:
        return
    fields = [Obligation._meta.get_field(name) for name in ("last_stage_index", "next_reminder_at")]
    quote = connection.ops.quote_name
    table, pk = quote(Obligation._meta.db_table), quote(Obligation._meta.pk.column)
    index_column, when_column = (quote(field.column) for field in fields)
    params = [
        (row.pk, *(field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields))
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s, %s, %s::timestamptz)"] * len(params))
            cursor.execute(
                f"UPDATE {table} SET {index_column} = v.stage_index, {when_column} = v.next_at "  # nosec B608 # quoted names from the model's _meta, values are parameters
                f"FROM (VALUES {values}) AS v(id, stage_index, next_at) WHERE {table}.{pk} = v.id",
                [value for row in params for value in row],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {index_column} = %s, {when_column} = %s WHERE {pk} = %s",  # nosec B608 # quoted names from the model's _meta, values are parameters
                [(*values, row_pk) for row_pk, *values in params],
            )


def sweep(now=None, batch_size=None):
    """Send every reminder stage that has fallen due. Returns counts; safe to run twice."""
    now = now or timezone.now()
    batch_size = batch_size or settings.OBLIGATION_SWEEP_BATCH
    stages = reminder_stages()
    directory = None
    result = {"obligations": 0, "notifications": 0}
    last_seen = None
    while True:
        with transaction.atomic():
            due = Obligation.objects.filter(state=Obligation.State.OPEN, next_reminder_at__lte=now)
            if last_seen is not None:
                due = due.filter(pk__gt=last_seen)
            rows = list(due.select_for_update(skip_locked=True).order_by("pk")[:batch_size])
            if not rows:
                break
            last_seen = rows[-1].pk
            directory = directory or RecipientDirectory()
            planned = []
            for obligation in rows:
                to_send, passed = _stages_to_send(obligation, stages, now)
                for stage in to_send:
                    recipients = (
                        directory.escalation(obligation)
                        if stage.audience == "escalation"
                        else directory.owners(obligation)
                    )
                    planned.append((obligation, stage, recipients))
                if passed:
                    obligation.last_stage_index = max(stage.index for stage in passed)
                obligation.next_reminder_at = _next_reminder(obligation, stages, obligation.last_stage_index)
            # One e-mail lookup for the whole batch (assignees differ from row to row).
            emails = directory.load_emails(set().union(*(recipients for _, _, recipients in planned)))
            notifications = []
            for obligation, stage, recipients in planned:
                title, body = _message(obligation, stage, now)
                url = obligation.get_absolute_url()  # reverse() once per stage, not per recipient
                for user_id in recipients:
                    notifications.append(
                        Notification(
                            recipient_id=user_id,
                            key=f"obligation:{obligation.pk}:{stage.key}",
                            obligation=obligation,
                            stage=stage.key,
                            level=stage.level,
                            title=title,
                            body=body,
                            url=url,
                            created_at=now,
                            email_status=(
                                Notification.EmailStatus.PENDING
                                if emails.get(user_id)
                                else Notification.EmailStatus.NONE
                            ),
                        )
                    )
            Notification.objects.bulk_create(notifications, batch_size=1000, ignore_conflicts=True)
            _save_bookkeeping(rows)
            result["obligations"] += len(rows)
            result["notifications"] += len(notifications)
    if result["notifications"]:
        enqueue_on_commit("obligations.deliver_email")
    return result


EMAIL_LEASE = timedelta(minutes=10)


def _email_retry_delay(attempts):
    # 2, 4, 8 … minutes, at most six hours: a mail-server outage of a few hours loses nothing.
    return timedelta(minutes=min(2**attempts, 360))


def deliver_email(batch_size=200, now=None):
    """Send the e-mail of pending notifications.

    Each row is claimed by a compare-and-set that also takes a lease; a row whose sender died
    (still "sending" after the lease) is claimed again. A failed send is retried with growing
    delays and given up (FAILED, with the error) after NOTIFICATION_EMAIL_MAX_ATTEMPTS."""
    now = now or timezone.now()
    status = Notification.EmailStatus
    due = Notification.objects.filter(
        (
            Q(email_status=status.PENDING)
            & (Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
        )
        | Q(email_status=status.SENDING, email_next_attempt_at__lte=now)
    )
    batch = list(due.select_related("recipient").order_by("pk")[:batch_size])
    sent = failed = retrying = 0
    if not batch:
        return {"sent": 0, "failed": 0, "retrying": 0}
    connection = get_connection()
    for notification in batch:
        attempts = notification.email_attempts + 1
        claimed = Notification.objects.filter(
            pk=notification.pk,
            email_status=notification.email_status,
            email_attempts=notification.email_attempts,
        ).update(
            email_status=status.SENDING, email_attempts=attempts, email_next_attempt_at=now + EMAIL_LEASE
        )
        if claimed != 1:
            continue  # another sender took it
        message = EmailMessage(
            subject=f"[深圳市民政局信息安全] {notification.title}",
            body=f"{notification.body}\n\n{settings.PORTAL_BASE_URL}{notification.url}",
            to=[notification.recipient.email],
            connection=connection,
        )
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 - any transport error: retry later
            logger.warning(
                "e-mail to %s failed (attempt %s): %s", notification.recipient.email, attempts, error
            )
            if attempts >= settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS:
                update = {"email_status": status.FAILED, "email_next_attempt_at": None}
                failed += 1
            else:
                update = {
                    "email_status": status.PENDING,
                    "email_next_attempt_at": now + _email_retry_delay(attempts),
                }
                retrying += 1
            Notification.objects.filter(pk=notification.pk).update(email_error=str(error)[:300], **update)
        else:
            Notification.objects.filter(pk=notification.pk).update(
                email_status=status.SENT,
                emailed_at=timezone.now(),
                email_next_attempt_at=None,
                email_error="",
            )
            sent += 1
    return {"sent": sent, "failed": failed, "retrying": retrying}


def notify(users, *, key, title, body="", url="", level=Notification.Level.INFO):
    """A one-off notification (not tied to an obligation), sent at most once per user and key."""
    users = list(users)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                key=key,
                title=title,
                body=body,
                url=url,
                level=level,
                email_status=Notification.EmailStatus.PENDING
                if user.email
                else Notification.EmailStatus.NONE,
            )
            for user in users
        ],
        ignore_conflicts=True,
    )
    enqueue_on_commit("obligations.deliver_email")
