"""The risk register with its 5×5 likelihood × severity matrix."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_plausible_date
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..projects.models import Project
from ..risk_levels import LEVEL_BADGES, level_for


class Risk(DetailUrlMixin, DepartmentScopedModel):
    class Level(models.TextChoices):
        MAJOR = "major", "重大"
        SIGNIFICANT = "significant", "较大"
        GENERAL = "general", "一般"
        LOW = "low", "低"

    class Treatment(models.TextChoices):
        REDUCE = "reduce", "降低"
        TRANSFER = "transfer", "转移"
        AVOID = "avoid", "规避"
        ACCEPT = "accept", "接受"

    class Status(models.TextChoices):
        OPEN = "open", "未关闭"
        CLOSED = "closed", "已关闭"

    title = models.CharField("风险名称", max_length=200)
    description = models.TextField("风险描述", blank=True)
    owner = user_field("风险责任人")
    project = optional_link(Project, "所属项目", related_name="risks")
    likelihood = models.PositiveSmallIntegerField(
        "可能性（1–5）", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    severity = models.PositiveSmallIntegerField(
        "严重程度（1–5）", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # likelihood × severity, stored (indexed) so that lists filter and sort by it; the level is
    # derived from it with the configured cut-offs (AUDITS_RISK_CUTOFFS), so changing a cut-off
    # re-levels every risk at once.
    score = models.PositiveSmallIntegerField("风险值", editable=False, db_index=True, default=1)
    treatment = models.CharField(
        "处置方式", max_length=10, choices=Treatment.choices, default=Treatment.REDUCE
    )
    plan = models.TextField("处置计划", blank=True)
    accepted_by = user_field("风险接受审批人", null=True)
    accepted_at = models.DateTimeField("接受时间", null=True, blank=True)
    acceptance_expires = models.DateField(
        "接受有效期至", null=True, blank=True, validators=[validate_plausible_date]
    )
    acceptance_note = models.TextField("接受理由", blank=True)
    next_review = models.DateField(
        "下次复核日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    review_obligation = optional_link(Obligation, "复核义务")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "风险"
        verbose_name_plural = "风险台账"
        ordering = ["-score", "-pk"]
        indexes = [models.Index(fields=["status", "likelihood", "severity"], name="risk_status_cell")]
        permissions = [("accept_risk", "批准接受风险")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.score = (self.likelihood or 1) * (self.severity or 1)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"likelihood", "severity"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "score"}
        super().save(*args, **kwargs)

    @property
    def level(self):
        return level_for(self.likelihood * self.severity)

    def get_level_display(self):
        return self.Level(self.level).label

    @property
    def level_badge(self):
        return LEVEL_BADGES[self.level]

    def acceptance_valid(self, today=None):
        """Formally accepted: an approver recorded and the acceptance not expired."""
        if self.accepted_by_id is None:
            return False
        today = today or timezone.localdate()
        return self.acceptance_expires is not None and self.acceptance_expires >= today


RiskUserObjectPermission, RiskGroupObjectPermission = object_permission_models(Risk)
