"""Information-system projects (4 §1–2): the risk estimate before 立项 and the go-live assessment."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..assessments.models import report_path


class Project(DetailUrlMixin, DepartmentScopedModel):
    class State(models.TextChoices):
        PRE_APPROVAL = "pre_approval", "立项前评估"
        APPROVED = "approved", "已立项"
        BUILDING = "building", "建设中"
        GOLIVE_REVIEW = "golive_review", "上线前评估"
        LIVE = "live", "已上线"

    name = models.CharField("项目名称", max_length=200)
    owner = user_field("项目负责人")
    description = models.TextField("项目简介", blank=True)
    system = optional_link(
        "assets.Asset",
        "对应信息系统（资产台账）",
        on_delete=models.SET_NULL,
        limit_choices_to={"type": "system"},
    )
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.PRE_APPROVAL, db_index=True
    )
    approved_at = models.DateTimeField("立项时间", null=True, blank=True)
    live_at = models.DateTimeField("上线时间", null=True, blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "信息化项目"
        verbose_name_plural = "信息化项目"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    @property
    def state_badge(self):
        return {
            self.State.PRE_APPROVAL: "secondary",
            self.State.APPROVED: "info",
            self.State.BUILDING: "primary",
            self.State.GOLIVE_REVIEW: "warning",
            self.State.LIVE: "success",
        }[self.state]


ProjectUserObjectPermission, ProjectGroupObjectPermission = object_permission_models(Project)


class RiskEstimate(models.Model):
    """立项前风险预估 (4 §1): a project is approved only on an estimate that allows it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="estimates")
    assessor = models.CharField("评估人/单位", max_length=200)
    assessed_on = models.DateField("评估日期", validators=[validate_happened])
    risks_identified = models.TextField("识别的风险")
    acceptable = models.BooleanField(
        "风险可控，可以立项", default=True, help_text="潜在信息安全风险过大的，不允许立项。"
    )
    conclusion = models.TextField("评估结论")
    recorded_by = user_field("登记人")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "立项前风险预估"
        verbose_name_plural = "立项前风险预估"
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.project} 立项前风险预估（{self.assessed_on:%Y-%m-%d}）"


class GoLiveAssessment(models.Model):
    """上线前风险评估 (4 §2): no go-live until one has passed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="golive_assessments")
    assessor = models.CharField("评估人/单位", max_length=200)
    assessed_on = models.DateField("评估日期", validators=[validate_happened])
    passed = models.BooleanField("通过评估", default=False)
    conclusion = models.TextField("评估结论")
    report = models.FileField("评估报告", upload_to=report_path, blank=True)
    report_name = models.CharField("报告文件名", max_length=200, blank=True)
    recorded_by = user_field("登记人")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "上线前风险评估"
        verbose_name_plural = "上线前风险评估"
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.project} 上线前风险评估（{'通过' if self.passed else '未通过'}）"
