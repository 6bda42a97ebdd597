"""Incident reports (regulation chapter 3). The foundation holds the core record so that the
access rule, history and obligations have a real subject; the incidents issue adds the rest."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.org.access import (
    DepartmentScopedModel,
    GroupObjectPermissionBase,
    UserObjectPermissionBase,
)


class Incident(DepartmentScopedModel):
    title = models.CharField("标题", max_length=200)
    description = models.TextField("事件描述")
    discovered_at = models.DateTimeField("发现时间", db_index=True)
    secret_leak = models.BooleanField("涉及泄密", default=False)
    restricted = models.BooleanField("知悉范围受限", default=False, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("报告时间", default=timezone.now, db_index=True)

    audit_views = True
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ["-discovered_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("incidents:incident", args=[self.pk])

    def save(self, *args, **kwargs):
        # A secret leak is need-to-know from the moment it is filed (chapter 3 §5).
        if self.secret_leak:
            self.restricted = True
        super().save(*args, **kwargs)


class IncidentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)


class IncidentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)
