"""The annual external assessment (4 §4, and 等级测评)."""

import uuid
from pathlib import Path

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models


def report_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:10]
    return f"audits/reports/{uuid.uuid4().hex}{suffix}"


class ExternalAssessment(DetailUrlMixin, DepartmentScopedModel):
    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", "综合测评"
        GRADING = "grading", "等级测评"

    kind = models.CharField("测评类型", max_length=20, choices=Kind.choices, default=Kind.COMPREHENSIVE)
    assessor = models.CharField("测评机构", max_length=200, help_text="如：深圳市信息安全测评中心")
    assessed_on = models.DateField("测评日期", validators=[validate_happened])
    systems = models.TextField("测评对象（信息系统）", blank=True, help_text="信息系统名称，每行一个。")
    assets = models.ManyToManyField(
        "assets.Asset",
        verbose_name="测评对象（资产台账）",
        blank=True,
        limit_choices_to={"type": "system"},
        related_name="+",
    )
    report = models.FileField("测评报告（PDF）", upload_to=report_path, blank=True)
    report_name = models.CharField("报告文件名", max_length=200, blank=True)
    conclusion = models.TextField("测评结论")
    obligation = optional_link(Obligation, "满足的年度义务")
    recorded_by = user_field("登记人")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "外部测评"
        verbose_name_plural = "外部测评"
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.assessed_on:%Y}年{self.get_kind_display()}（{self.assessor}）"


ExternalAssessmentUserObjectPermission, ExternalAssessmentGroupObjectPermission = object_permission_models(
    ExternalAssessment
)
