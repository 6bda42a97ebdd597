"""Password history: the hashes of a user's past passwords (reuse check) and when each was set
(maximum age; the governance evidence for 5 §4 / 6 §8)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PasswordHistory(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    # The hash as stored on the user (the configured hasher, salted): never the password itself.
    password = models.CharField("密码哈希", max_length=128)
    changed_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "密码修改记录"
        verbose_name_plural = "密码修改记录"
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="password_history_user_at")]
        # Carried here because the second factor's devices belong to django-otp: the system
        # administrator role ("*") gets it, and a later role can be given it by its pattern.
        permissions = [("reset_second_factor", "可重置他人的双因素认证")]

    def __str__(self):
        return f"{self.user} {self.changed_at:%Y-%m-%d %H:%M}"
