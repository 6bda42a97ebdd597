"""Obligations (anything with a due date) and the notifications they send (DESIGN.md §3–4)."""

import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Exists, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.org.access import (
    DepartmentScopedModel,
    DepartmentScopedQuerySet,
)
from szmz_security.org.permissions import object_permission_models


class ObligationQuerySet(DepartmentScopedQuerySet):
    def open(self):
        return self.filter(state=Obligation.State.OPEN)

    def overdue(self, now=None):
        return self.open().filter(due_at__lte=now or timezone.now())

    def due_soon(self, now=None, hours=None):
        now = now or timezone.now()
        hours = settings.OBLIGATION_DUE_SOON_HOURS if hours is None else hours
        return self.open().filter(due_at__gt=now, due_at__lte=now + timezone.timedelta(hours=hours))


class Obligation(DepartmentScopedModel):
    class State(models.TextChoices):
        OPEN = "open", "待办"
        MET = "met", "已按期完成"
        MET_LATE = "met_late", "逾期完成"
        WAIVED = "waived", "不再需要"

    CLOSED_STATES = (State.MET, State.MET_LATE, State.WAIVED)

    title = models.CharField("事项", max_length=200)
    kind = models.CharField(
        "类别", max_length=60, db_index=True, help_text="机器可读的类别，如 incident.police_report"
    )
    clause = models.CharField("制度条款", max_length=60, help_text="例如 “市民政局制度 第三章第4条”")
    authority = models.CharField("报送对象", max_length=60, blank=True)

    subject_type = models.ForeignKey(
        ContentType, verbose_name="对象类型", null=True, blank=True, on_delete=models.PROTECT
    )
    # Integer, as every subject's key is: it joins and prefetches without casts.
    subject_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    restricted = models.BooleanField("知悉范围受限", default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_obligations",
    )
    notify_roles = models.JSONField("提醒角色", default=list, blank=True)
    escalate_roles = models.JSONField("升级角色", default=list, blank=True)

    created_at = models.DateTimeField("创建时间", default=timezone.now)
    due_at = models.DateTimeField("截止时间", db_index=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)

    met_at = models.DateTimeField("完成时间", null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="完成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence = models.TextField("完成证据", blank=True)
    waived_reason = models.TextField("不再需要的原因", blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    waived_at = models.DateTimeField("确认时间", null=True, blank=True)

    # Sweep bookkeeping: when the next reminder stage falls due, and the last stage sent.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_stage_index = models.SmallIntegerField(default=-1, editable=False)

    history = HistoricalRecords(excluded_fields=["next_reminder_at", "last_stage_index"])
    objects = ObligationQuerySet.as_manager()
    # Need-to-know (#13): a restricted record's deadline, not its title (which quotes the record).
    restricted_public_fields = (
        "department",
        "kind",
        "clause",
        "authority",
        "created_at",
        "due_at",
        "state",
        "met_at",
    )

    class Meta:
        verbose_name = "义务"
        verbose_name_plural = "义务"
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="obligation_state_due"),
            # A department member's dashboard (the access rule's own-department filter, then open
            # and due): one range of this index instead of every row of the department.
            models.Index(fields=["department", "state", "due_at"], name="obligation_dept_state_due"),
            # The sweep's query (state = open AND next_reminder_at <= now): with next_reminder_at
            # alone SQLite preferred obligation_state_due and read every open row each minute.
            models.Index(fields=["state", "next_reminder_at"], name="obligation_open_next_reminder"),
            models.Index(fields=["subject_type", "subject_id"], name="obligation_subject"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("obligations:obligation", args=[self.pk])

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    def is_overdue(self, now=None):
        return self.is_open and self.due_at <= (now or timezone.now())

    def display_state(self, now=None):
        if self.is_overdue(now):
            return "已逾期"
        return self.get_state_display()

    def state_badge(self, now=None):
        if self.is_overdue(now):
            return "danger"
        return {
            self.State.OPEN: "primary",
            self.State.MET: "success",
            self.State.MET_LATE: "warning",
            self.State.WAIVED: "secondary",
        }[self.state]


ObligationUserObjectPermission, ObligationGroupObjectPermission = object_permission_models(Obligation)


BELL_COUNT_CAP = 99


class RecipientIncludes(models.Lookup):
    """``recipients__includes=<user id>``: the message named that user. On PostgreSQL containment
    (``@>``, served by the GIN index of migration 0004); elsewhere a scan of the JSON array."""

    lookup_name = "includes"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} @> %s::jsonb", [*params, json.dumps([int(self.rhs)])]
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE value = %s)"  # nosec B608 # a column; the id is a parameter
        return sql, [*params, int(self.rhs)]


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The messages that named ``user`` among their recipients when they were sent."""
        return self.filter(recipients__includes=user.pk)

    def with_state_for(self, user, read_through=None):
        """Annotate the user's own state: ``read_at`` (their receipt's, or their mark-all-read
        time for older messages) and ``email_status``, each a subquery: no query per row."""
        receipt = NotificationReceipt.objects.filter(notification=OuterRef("pk"), recipient=user)
        read_at = Subquery(receipt.values("read_at")[:1])
        if read_through is None:
            read_through = NotificationReadMark.read_through_for(user)
        if read_through is not None:
            read_at = Coalesce(
                read_at, Case(When(created_at__lte=read_through, then=Value(read_through)), default=None)
            )
        return self.annotate(
            read_at=read_at,
            email_status=Coalesce(
                Subquery(receipt.values("email_status")[:1]), Value(NotificationReceipt.EmailStatus.NONE)
            ),
        )

    def unread_for(self, user, read_through=None):
        """Mine, newer than my mark-all-read time, without a read receipt of mine. The time is
        a literal (read first), so PostgreSQL can start from the created_at index when it is
        recent: an officer with 100,000 messages, all read, costs a short range, not a scan."""
        if read_through is None:
            read_through = NotificationReadMark.read_through_for(user)
        mine = self.for_user(user)
        if read_through is not None:
            mine = mine.filter(created_at__gt=read_through)
        read = NotificationReceipt.objects.filter(
            notification=OuterRef("pk"), recipient=user, read_at__isnull=False
        )
        return mine.exclude(Exists(read))

    def unread_badge(self, user):
        """The bell's count, capped: counting at most 100 rows keeps it cheap for someone with
        tens of thousands unread; anything over 99 shows as "99+"."""
        # No ordering: any 100 rows do, so no sort of everything unread.
        count = self.unread_for(user).order_by().values("pk")[: BELL_COUNT_CAP + 1].count()
        return f"{BELL_COUNT_CAP}+" if count > BELL_COUNT_CAP else count

    def visible_to(self, user, action="view"):
        # Notifications are personal: each user sees only the messages sent to them.
        if not user.is_authenticated:
            return self.none()
        return self.for_user(user).with_state_for(user)


class Notification(models.Model):
    """One message: an obligation's reminder stage, or a one-off notice, with who it was sent to.

    ``key`` is unique: for an obligation's reminder it is ``obligation:<id>:<stage>``, so a
    retried or doubled sweep can never send a stage twice. ``recipients`` (user ids) is fixed
    when it is sent — who was told is part of the record, not recomputed from today's roles. Each
    person's read and e-mail state lives in a ``NotificationReceipt``, written only when they read
    it or when its e-mail is fanned out (issue #14's leaner design: one row per message).
    """

    class Level(models.TextChoices):
        INFO = "info", "通知"
        WARNING = "warning", "提醒"
        DANGER = "danger", "逾期"

    key = models.CharField("去重键", max_length=200)
    obligation = models.ForeignKey(
        Obligation,
        verbose_name="义务",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    stage = models.CharField("提醒阶段", max_length=30, blank=True)
    level = models.CharField("级别", max_length=10, choices=Level.choices, default=Level.INFO)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now, db_index=True)
    recipients = models.JSONField("接收人", default=list)
    # Set when a recipient with an address has no e-mail receipt yet; deliver_email fans it out.
    email_fanout_due = models.BooleanField("待分发邮件", default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        # A constraint rather than unique=True: PostgreSQL then builds no second, pattern-ops
        # index on the key, which nothing searches and every insert would pay for.
        constraints = [models.UniqueConstraint(fields=["key"], name="notification_once_per_key")]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(email_fanout_due=True), name="notification_fanout_due"
            ),
        ]

    def __str__(self):
        return self.title


Notification._meta.get_field("recipients").register_lookup(RecipientIncludes)


class NotificationReceipt(models.Model):
    """One recipient's state of one message: when they read it, and its e-mail to them."""

    class EmailStatus(models.TextChoices):
        NONE = "none", "不发送"
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="receipts"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notification_receipts",
    )
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    email_status = models.CharField(
        "邮件状态", max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    email_error = models.CharField("邮件错误", max_length=300, blank=True)
    email_attempts = models.PositiveSmallIntegerField("邮件尝试次数", default=0)
    # When a pending mail may next be tried, or when a claim ("sending") expires.
    email_next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知回执"
        verbose_name_plural = "通知回执"
        constraints = [
            models.UniqueConstraint(fields=["notification", "recipient"], name="notification_receipt_once")
        ]
        indexes = [
            models.Index(
                fields=["email_status", "email_next_attempt_at"], name="notification_receipt_email_due"
            ),
        ]

    def __str__(self):
        return f"{self.notification} → {self.recipient}"


class NotificationReadMark(models.Model):
    """ "Mark all read": every message to the user sent up to ``read_through`` counts as read,
    without a receipt per message."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_read_mark",
    )
    read_through = models.DateTimeField("全部已读时间")

    class Meta:
        verbose_name = "通知全部已读"
        verbose_name_plural = "通知全部已读"

    def __str__(self):
        return f"{self.user} {self.read_through}"

    @classmethod
    def read_through_for(cls, user):
        # The request's user arrives with it annotated (accounts/backends.py): the bell on every
        # page then costs one query, not two.
        if hasattr(user, "notification_read_through"):
            return user.notification_read_through
        return cls.objects.filter(user=user).values_list("read_through", flat=True).first()
