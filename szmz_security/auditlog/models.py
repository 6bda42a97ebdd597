"""The audit log (DESIGN.md §5; 等保 2.0: time, user, event type, outcome). Append-only: the
portal offers no way to change or delete an event; only the retention purge removes old ones,
and it records what it removed. Every event is hash-chained (chain.py) as it is written; on
PostgreSQL a trigger refuses UPDATE and DELETE outside the purge (migration 0003)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.utils import timezone

from . import chain


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        # Global log: officers, inspectors and administrators hold the view permission.
        if user.is_authenticated and user.has_perm(f"auditlog.{action}_auditevent"):
            return self
        return self.none()

    def bulk_create(self, objs, *args, **kwargs):
        """Bulk writes chain too: each class locked once, its events linked in order."""
        objs = list(objs)
        with transaction.atomic(using=self.db):
            heads = {}
            for log_class in sorted({obj.log_class for obj in objs}):
                chain.lock(log_class, self.db)
                heads[log_class] = AuditChainHead.hash_of(log_class, self.db)
            now = timezone.now()
            for obj in objs:
                obj.at = now
                heads[obj.log_class] = chain.link(obj, heads[obj.log_class])
            created = super().bulk_create(objs, *args, **kwargs)
            last = {obj.log_class: obj for obj in created}  # in chain order: the last one wins
            AuditChainHead.advance(list(last.values()), self.db)
            return created


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账户锁定"
        LOGOUT = "logout", "退出"
        VIEW = "view", "查看敏感记录"
        EXPORT = "export", "导出"
        PRINT = "print", "打印"
        # Sign-in and sessions (issue #13, szmz_security/accounts).
        OTP_ENROLLED = "otp_enrolled", "启用双因素认证"
        OTP_FAILED = "otp_failed", "动态口令错误"
        OTP_RESET = "otp_reset", "重置双因素认证"
        TOKEN_CREATED = "token_created", "创建API令牌"
        CHECKPOINT = "checkpoint", "日志清理检查点"
        # Role assignments and per-record grants and revocations (#13 sharing screen, #21).
        PERMISSION = "permission", "权限变更"

    class LogClass(models.TextChoices):
        AUTH = "auth", "登录日志"
        ACCESS = "access", "访问日志"
        EXPORT = "export", "导出与打印日志"
        SYSTEM = "system", "系统日志"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"

    KIND_CLASS = {
        Kind.LOGIN: LogClass.AUTH,
        Kind.LOGIN_FAILED: LogClass.AUTH,
        Kind.LOCKED_OUT: LogClass.AUTH,
        Kind.LOGOUT: LogClass.AUTH,
        Kind.VIEW: LogClass.ACCESS,
        Kind.EXPORT: LogClass.EXPORT,
        Kind.PRINT: LogClass.EXPORT,
        Kind.OTP_ENROLLED: LogClass.AUTH,
        Kind.OTP_FAILED: LogClass.AUTH,
        Kind.OTP_RESET: LogClass.AUTH,
        Kind.TOKEN_CREATED: LogClass.AUTH,
        Kind.PERMISSION: LogClass.SYSTEM,
    }

    at = models.DateTimeField("时间", default=timezone.now)
    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    log_class = models.CharField("日志类别", max_length=10, choices=LogClass.choices)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        # DO_NOTHING: deleting a user must not rewrite the log (the username stays in the row).
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name="对象类型",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("前序哈希", max_length=64, editable=False)
    hash = models.CharField("哈希", max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["log_class", "at"], name="audit_class_at"),
            models.Index(fields=["-at"], name="audit_at_desc"),
            models.Index(fields=["username", "at"], name="audit_username_at"),
            # Each class's chain is walked in primary-key order (verification, the purge).
            models.Index(fields=["log_class", "id"], name="audit_class_chain"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        """The one write path: append to the class's chain under its lock. Never an update."""
        if not self._state.adding:
            raise ValueError("审计事件只能追加，不能修改。")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            chain.lock(self.log_class, using)
            # Stamped under the lock, so that time order and chain order agree (the purge
            # removes a prefix of the chain).
            self.at = timezone.now()
            chain.link(self, AuditChainHead.hash_of(self.log_class, using))
            super().save(*args, **kwargs)
            AuditChainHead.advance([self], using)


class AuditChainHead(models.Model):
    """The last event of each class's chain, kept beside the log under the class's lock, so that a
    write reads its predecessor's hash by primary key. Looking it up in the log itself (the
    highest id of the class) touched every day partition of the class, and grew with them: ~3 ms
    per write at 5M events. A missing row (a new class, a restored database) is found the old
    way; a wrong one would show as a break at the next verification, as any tampering does."""

    log_class = models.CharField("日志类别", max_length=10, primary_key=True)
    event_id = models.BigIntegerField("链末事件")
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = "审计链末端"
        verbose_name_plural = "审计链末端"

    def __str__(self):
        return f"{self.log_class} #{self.event_id}"

    @classmethod
    def hash_of(cls, log_class, using):
        head = cls.objects.using(using).filter(pk=log_class).values_list("hash", flat=True).first()
        return head or chain.last_hash(AuditEvent, log_class, using)

    @classmethod
    def advance(cls, events, using):
        """Record each event as its class's head (one upsert). A database that does not return
        the ids of a bulk insert leaves the head to be found in the log next time."""
        unknown = {event.log_class for event in events if event.pk is None}
        if unknown:
            cls.objects.using(using).filter(pk__in=unknown).delete()
        cls.objects.using(using).bulk_create(
            [
                cls(log_class=event.log_class, event_id=event.pk, hash=event.hash)
                for event in events
                if event.pk is not None
            ],
            update_conflicts=True,
            unique_fields=["log_class"],
            update_fields=["event_id", "hash"],
        )

    @classmethod
    def rebuild(cls, using="default"):
        """The heads read again from the log (after rows were written around ``save``: a restore,
        a bulk load)."""
        events = AuditEvent.objects.using(using)
        cls.objects.using(using).all().delete()
        for log_class in AuditEvent.LogClass.values:
            last = events.filter(log_class=log_class).order_by("-pk").values("pk", "hash").first()
            if last:
                cls.objects.using(using).create(log_class=log_class, event_id=last["pk"], hash=last["hash"])


class AuditPurgeQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        if user.is_authenticated and user.has_perm(f"auditlog.{action}_auditpurge"):
            return self
        return self.none()


class AuditPurge(models.Model):
    """What a retention purge removed: evidence that logs were kept as long as required."""

    log_class = models.CharField("日志类别", max_length=10, choices=AuditEvent.LogClass.choices)
    retention_days = models.PositiveIntegerField("保存期限（天）")
    cutoff = models.DateTimeField("清理截止时间")
    deleted = models.PositiveIntegerField("清理条数")
    batches = models.PositiveIntegerField("批次")
    oldest_deleted_at = models.DateTimeField("最早记录时间", null=True)
    newest_deleted_at = models.DateTimeField("最晚记录时间", null=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")

    objects = AuditPurgeQuerySet.as_manager()

    class Meta:
        verbose_name = "日志清理记录"
        verbose_name_plural = "日志清理记录"
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.get_log_class_display()} {self.deleted}"


class AuditChainVerification(models.Model):
    """The result of one walk over the hash chains (manage.py verify_audit_chain, daily)."""

    started_at = models.DateTimeField("校验时间")
    finished_at = models.DateTimeField("完成时间")
    ok = models.BooleanField("链完整")
    events_checked = models.PositiveBigIntegerField("已校验事件数")
    first_broken_id = models.BigIntegerField("首个断裂事件", null=True, blank=True)
    first_broken_at = models.DateTimeField("断裂事件时间", null=True, blank=True)
    message = models.TextField("结果说明")
    # The last event of each intact chain, which the next verification expects to find unchanged.
    heads = models.JSONField("链末事件", default=dict, blank=True)

    class Meta:
        verbose_name = "审计日志完整性校验"
        verbose_name_plural = "审计日志完整性校验"
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"

    def __str__(self):
        return self.message
