"""Emergency plans (应急预案) and drills (应急演练), owned by a department. Rules live in
``services.py``: a plan is approved (and an older version retired) only by ``approve_plan``; a
drill is recorded held only with its findings and improvements."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened, validate_plausible_date
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models


def plan_attachment_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:10]
    return f"audits/emergency-plans/{uuid.uuid4().hex}{suffix}"


class EmergencyPlan(DetailUrlMixin, DepartmentScopedModel):
    """应急预案: one version of a department's plan; leadership approves it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        APPROVED = "approved", "已批准"
        RETIRED = "retired", "已废止"

    title = models.CharField("预案名称", max_length=200, db_index=True)
    scope = models.CharField("适用范围（系统/事件）", max_length=300)
    version = models.CharField("版本", max_length=50, help_text="如：2026版")
    summary = models.TextField("主要内容", help_text="启动条件、应急组织、处置流程、系统恢复流程等")
    attachment = models.FileField(
        "预案文本（附件）", upload_to=plan_attachment_path, blank=True, editable=False
    )
    attachment_name = models.CharField("附件文件名", max_length=200, blank=True, editable=False)
    supersedes = optional_link("self", "替代的预案", on_delete=models.SET_NULL, related_name="superseded_by")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    approved_by = user_field("批准人", null=True, editable=False)
    approved_on = models.DateField("批准日期", null=True, blank=True, editable=False, db_index=True)
    next_review_on = models.DateField(
        "下次评审日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "应急预案"
        verbose_name_plural = "应急预案"
        ordering = ["title", "-created_at", "-pk"]
        permissions = [("approve_emergencyplan", "批准应急预案")]

    def __str__(self):
        return f"{self.title}（{self.version}）"

    @property
    def status_badge(self):
        return {"draft": "secondary", "approved": "success", "retired": "dark"}.get(self.status, "secondary")


EmergencyPlanUserObjectPermission, EmergencyPlanGroupObjectPermission = object_permission_models(
    EmergencyPlan
)


class EmergencyDrill(DetailUrlMixin, DepartmentScopedModel):
    """应急演练: planned against a plan, recorded held with its findings and improvements."""

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        COMPLETED = "completed", "已完成"
        CANCELLED = "cancelled", "已取消"

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name="应急预案", on_delete=models.PROTECT, related_name="drills"
    )
    planned_on = models.DateField("计划日期", db_index=True, validators=[validate_plausible_date])
    held_on = models.DateField(
        "实施日期", null=True, blank=True, editable=False, db_index=True, validators=[validate_happened]
    )
    scenario = models.TextField("演练场景")
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="参演人员", blank=True, related_name="+"
    )
    participant_text = models.CharField(
        "参演人员（其他）", max_length=300, blank=True, help_text="如：外包运维人员、其他单位人员"
    )
    findings = models.TextField("发现的问题", blank=True)
    improvements = models.TextField("改进措施", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PLANNED, editable=False, db_index=True
    )
    recorded_by = user_field("记录人", null=True, editable=False)
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "应急演练"
        verbose_name_plural = "应急演练"
        ordering = ["-planned_on", "-pk"]

    def __str__(self):
        return f"{self.planned_on:%Y-%m-%d} 应急演练：{self.scenario[:30]}"

    @property
    def status_badge(self):
        return {"planned": "info", "completed": "success", "cancelled": "secondary"}.get(
            self.status, "secondary"
        )


EmergencyDrillUserObjectPermission, EmergencyDrillGroupObjectPermission = object_permission_models(
    EmergencyDrill
)
