"""Obligations: creating them, meeting them, and sending their notifications' e-mail.

The sweep that reminds and escalates lives in ``sweep.py`` (re-exported here, as the Celery task
and the feature apps call it); the reminder stages in ``stages.py``. No ETA tasks (DESIGN.md §3):
each obligation carries ``next_reminder_at`` (indexed), and e-mail goes out from the receipts
fanned out of each message, each claimed by a compare-and-set.
"""

import logging
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
from szmz_security.org.roles import ROLES_BY_CODE

from .models import Notification, NotificationReadMark, NotificationReceipt, Obligation
from .stages import next_reminder, reminder_stages, stages_to_send
from .stages import schedule as schedule  # the obligation page's timeline
from .sweep import sweep as sweep  # the Celery task and the feature apps call it here

logger = logging.getLogger(__name__)

DEFAULT_NOTIFY_ROLES = ("security_officer",)
DEFAULT_ESCALATE_ROLES = ("leadership",)


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
    obligation.next_reminder_at = next_reminder(obligation, reminder_stages(), -1)
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
    obligation.next_reminder_at = next_reminder(obligation, reminder_stages(), obligation.last_stage_index)
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


EMAIL_LEASE = timedelta(minutes=10)


def _email_retry_delay(attempts):
    # 2, 4, 8 … minutes, at most six hours: a mail-server outage of a few hours loses nothing.
    return timedelta(minutes=min(2**attempts, 360))


def deliver_email(batch_size=200, now=None):
    """Send the e-mail of pending notifications.

    First the messages whose e-mail is not yet fanned out get a receipt (PENDING) for each
    recipient with an address. Each receipt is then claimed by a compare-and-set that also takes
    a lease; one whose sender died (still "sending" after the lease) is claimed again. A failed
    send is retried with growing delays and given up (FAILED, with the error) after
    NOTIFICATION_EMAIL_MAX_ATTEMPTS."""
    now = now or timezone.now()
    fan_out_email(batch_size)
    status = NotificationReceipt.EmailStatus
    due = NotificationReceipt.objects.filter(
        (
            Q(email_status=status.PENDING)
            & (Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now))
        )
        | Q(email_status=status.SENDING, email_next_attempt_at__lte=now)
    )
    batch = list(due.select_related("recipient", "notification").order_by("pk")[:batch_size])
    sent = failed = retrying = 0
    if not batch:
        return {"sent": 0, "failed": 0, "retrying": 0}
    connection = get_connection()
    for receipt in batch:
        attempts = receipt.email_attempts + 1
        claimed = NotificationReceipt.objects.filter(
            pk=receipt.pk, email_status=receipt.email_status, email_attempts=receipt.email_attempts
        ).update(
            email_status=status.SENDING, email_attempts=attempts, email_next_attempt_at=now + EMAIL_LEASE
        )
        if claimed != 1:
            continue  # another sender took it
        notification = receipt.notification
        message = EmailMessage(
            subject=f"[深圳市民政局信息安全] {notification.title}",
            body=f"{notification.body}\n\n{settings.PORTAL_BASE_URL}{notification.url}",
            to=[receipt.recipient.email],
            connection=connection,
        )
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 - any transport error: retry later
            logger.warning("e-mail to %s failed (attempt %s): %s", receipt.recipient.email, attempts, error)
            if attempts >= settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS:
                update = {"email_status": status.FAILED, "email_next_attempt_at": None}
                failed += 1
            else:
                update = {
                    "email_status": status.PENDING,
                    "email_next_attempt_at": now + _email_retry_delay(attempts),
                }
                retrying += 1
            NotificationReceipt.objects.filter(pk=receipt.pk).update(email_error=str(error)[:300], **update)
        else:
            NotificationReceipt.objects.filter(pk=receipt.pk).update(
                email_status=status.SENT,
                emailed_at=timezone.now(),
                email_next_attempt_at=None,
                email_error="",
            )
            sent += 1
    return {"sent": sent, "failed": failed, "retrying": retrying}


def fan_out_email(batch_size=200):
    """Give each recipient with an address of up to ``batch_size`` messages a PENDING receipt:
    one INSERT … SELECT (a receipt already there is left alone, unless it only records a reading
    and no mail was ever tried), then the messages are marked done. The messages are locked
    (skip locked): a second sender takes others, and a ``notify`` adding people to one of them
    waits, then marks it due again. Returns the number of messages fanned out."""
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(email_fanout_due=True)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return 0
        quote = connection.ops.quote_name
        user = quote(get_user_model()._meta.db_table)
        message = quote(Notification._meta.db_table)
        receipt = quote(NotificationReceipt._meta.db_table)
        if connection.vendor == "postgresql":
            each = "CROSS JOIN LATERAL jsonb_array_elements_text(n.recipients) AS r(value)"
            user_id, in_ids, id_params = "r.value::bigint", "n.id = ANY(%s)", [ids]
        else:
            each = "CROSS JOIN json_each(n.recipients) AS r"
            user_id, in_ids, id_params = "r.value", f"n.id IN ({', '.join(['%s'] * len(ids))})", ids
        pending, none = NotificationReceipt.EmailStatus.PENDING, NotificationReceipt.EmailStatus.NONE
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
INSERT INTO {receipt} (notification_id, recipient_id, read_at, email_status, emailed_at,
    email_error, email_attempts, email_next_attempt_at)
SELECT n.id, u.id, NULL, %s, NULL, '', 0, NULL
FROM {message} n {each} JOIN {user} u ON u.id = {user_id}
WHERE {in_ids} AND u.email <> ''
ON CONFLICT (notification_id, recipient_id) DO UPDATE SET email_status = excluded.email_status
WHERE {receipt}.email_status = %s AND {receipt}.email_attempts = 0
""",  # nosec B608 # quoted names from _meta; every value is a parameter
                [pending, *id_params, none],
            )
        Notification.objects.filter(pk__in=ids).update(email_fanout_due=False)
    return len(ids)


def notify(users, *, key, title, body="", url="", level=Notification.Level.INFO):
    """A one-off notification (not tied to an obligation), sent at most once per user and key:
    a second call with the same key adds only the users not yet told, and mails only them."""
    users = {user.pk: user for user in users}
    if not users:
        return None
    with transaction.atomic():
        message, created = Notification.objects.select_for_update().get_or_create(
            key=key,
            defaults={
                "title": title,
                "body": body,
                "url": url,
                "level": level,
                "recipients": sorted(users),
                "email_fanout_due": any(user.email for user in users.values()),
            },
        )
        added = [pk for pk in users if pk not in message.recipients]
        if not created and added:
            message.recipients = [*message.recipients, *sorted(added)]
            message.email_fanout_due = message.email_fanout_due or any(users[pk].email for pk in added)
            message.save(update_fields=["recipients", "email_fanout_due"])
    enqueue_on_commit("obligations.deliver_email")
    return message


def mark_read(user, notification=None, at=None):
    """Record that ``user`` read one message (a receipt of theirs), or, without one, everything
    sent to them so far (their mark-all-read time: no row per message)."""
    at = at or timezone.now()
    if notification is None:
        NotificationReadMark.objects.update_or_create(user=user, defaults={"read_through": at})
        user.notification_read_through = at  # the request's user, annotated when loaded, stays true
        return
    receipts = NotificationReceipt.objects.filter(notification=notification, recipient=user)
    if not receipts.filter(read_at__isnull=True).update(read_at=at):
        NotificationReceipt.objects.bulk_create(
            [NotificationReceipt(notification=notification, recipient=user, read_at=at)],
            ignore_conflicts=True,
        )


# core.generate computes the bookkeeping of the rows it writes with the sweep's own rule.
_next_reminder, _stages_to_send = next_reminder, stages_to_send
