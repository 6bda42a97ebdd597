"""The audit log (DESIGN.md §5; 等保 2.0: time, user, event type, outcome). Append-only: the
portal offers no way to change or delete an event; only the retention purge removes old ones,
and it records what it removed."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        # Global log: officers, inspectors and administrators hold the view permission.
        if user.is_authenticated and user.has_perm(f"auditlog.{action}_auditevent"):
            return self
        return self.none()


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账户锁定"
        LOGOUT = "logout", "退出"
        VIEW = "view", "查看敏感记录"
        EXPORT = "export", "导出"
        PRINT = "print", "打印"
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
        on_delete=models.SET_NULL,
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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["log_class", "at"], name="audit_class_at"),
            models.Index(fields=["-at"], name="audit_at_desc"),
            models.Index(fields=["username", "at"], name="audit_username_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"


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
