"""Risk assessment (regulation chapter 4): quarterly internal reviews (4 §3), annual external
assessments (4 §4, and 等级测评), the project gates before 立项 and go-live (4 §1–2), and the risk
register with its 5×5 likelihood × severity matrix.

Deadlines are Obligations (szmz_security/obligations): a quarter's review, a year's external
assessment, each finding's and improvement item's remediation, the project gates and a risk's next
review. Rules live in ``services.py``.
"""

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.validators import MAX_DAYS, validate_happened, validate_plausible_date, validate_year
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import (
    DepartmentScopedModel,
)
from szmz_security.org.models import Department
from szmz_security.org.permissions import object_permission_models


def report_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:10]
    return f"audits/reports/{uuid.uuid4().hex}{suffix}"


# --- the quarterly internal review (4 §3) ---------------------------------------------------------


class QuarterlyReview(DepartmentScopedModel):
    """One quarter's internal risk review: a checklist over the bureau's regulation, findings,
    circulation (通报) to departments and a sign-off. Owned by the information centre."""

    year = models.PositiveSmallIntegerField("年度", validators=[validate_year])
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    obligation = models.OneToOneField(
        Obligation,
        verbose_name="对应义务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quarterly_review",
    )
    summary = models.TextField("评估结论", blank=True)
    signed_off_at = models.DateTimeField("签发时间", null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "季度风险评估"
        verbose_name_plural = "季度风险评估"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="quarterly_review_once_per_quarter")
        ]

    def __str__(self):
        return f"{self.year}年第{self.quarter}季度信息安全风险内部评估"

    def get_absolute_url(self):
        return reverse("audits:quarterlyreview", args=[self.pk])

    @property
    def signed_off(self):
        return self.signed_off_at is not None


QuarterlyReviewUserObjectPermission, QuarterlyReviewGroupObjectPermission = object_permission_models(
    QuarterlyReview
)


class ReviewItem(models.Model):
    """One checklist line: a clause of the bureau's regulation and its assessment."""

    class Result(models.TextChoices):
        COMPLIANT = "compliant", "符合"
        PARTIAL = "partial", "部分符合"
        NONCOMPLIANT = "noncompliant", "不符合"
        NOT_APPLICABLE = "not_applicable", "不适用"

    NOTE_REQUIRED = (Result.PARTIAL, Result.NONCOMPLIANT)

    review = models.ForeignKey(QuarterlyReview, on_delete=models.CASCADE, related_name="items")
    clause = models.ForeignKey(
        "compliance.Clause", verbose_name="条款", on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    # What the compliance service said when the checklist was generated (a hint, not a verdict).
    hint_status = models.CharField("系统判定", max_length=20, blank=True)
    hint = models.TextField("系统证据摘要", blank=True)
    result = models.CharField("评估结果", max_length=20, choices=Result.choices, blank=True)
    note = models.TextField("证据说明", blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField("评估时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评估项"
        verbose_name_plural = "评估项"
        ordering = ["review", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "clause"], name="review_item_once")]

    def __str__(self):
        return f"{self.clause.code} {self.clause.title}"

    @property
    def assessed(self):
        return bool(self.result)

    @property
    def hint_label(self):
        from szmz_security.compliance.evidence import STATUS_LABELS, Status

        try:
            return STATUS_LABELS[Status(self.hint_status)]
        except ValueError:
            return ""

    @property
    def hint_badge(self):
        from szmz_security.compliance.evidence import STATUS_BADGES, Status

        try:
            return STATUS_BADGES[Status(self.hint_status)]
        except ValueError:
            return "secondary"

    @property
    def result_badge(self):
        return {
            self.Result.COMPLIANT: "success",
            self.Result.PARTIAL: "warning",
            self.Result.NONCOMPLIANT: "danger",
            self.Result.NOT_APPLICABLE: "light",
        }.get(self.result, "secondary")


class Circulation(models.Model):
    """通报: one recipient of a review's results, and when they read it."""

    review = models.ForeignKey(QuarterlyReview, on_delete=models.CASCADE, related_name="circulations")
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField("通报时间", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="通报人", on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "通报记录"
        verbose_name_plural = "通报记录"
        ordering = ["department__code", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["review", "department", "user"], name="circulation_once")
        ]

    def __str__(self):
        return f"{self.review} → {self.department}"


# --- the annual external assessment (4 §4) --------------------------------------------------------


class ExternalAssessment(DepartmentScopedModel):
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
    obligation = models.ForeignKey(
        Obligation,
        verbose_name="满足的年度义务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "外部测评"
        verbose_name_plural = "外部测评"
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.assessed_on:%Y}年{self.get_kind_display()}（{self.assessor}）"

    def get_absolute_url(self):
        return reverse("audits:externalassessment", args=[self.pk])


ExternalAssessmentUserObjectPermission, ExternalAssessmentGroupObjectPermission = object_permission_models(
    ExternalAssessment
)


# --- findings (quarterly) and improvement items (external) -----------------------------------------


class Finding(models.Model):
    """A problem found by a quarterly review (整改发现) or an external assessment (改进计划项):
    owner, owning department and due date; the due date is an Obligation of the owner."""

    class Severity(models.TextChoices):
        HIGH = "high", "高"
        MEDIUM = "medium", "中"
        LOW = "low", "低"

    review = models.ForeignKey(
        QuarterlyReview, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    assessment = models.ForeignKey(
        ExternalAssessment, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    item = models.ForeignKey(
        ReviewItem,
        verbose_name="评估项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    title = models.CharField("问题", max_length=300)
    measures = models.TextField("整改措施", blank=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="责任人", on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField("完成期限")
    obligation = models.OneToOneField(
        Obligation, verbose_name="对应义务", null=True, on_delete=models.PROTECT, related_name="finding"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "问题与整改"
        verbose_name_plural = "问题与整改"
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review__isnull=False) | models.Q(assessment__isnull=False),
                name="finding_has_a_source",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def severity_badge(self):
        return {"high": "danger", "medium": "warning", "low": "info"}.get(self.severity, "secondary")


# --- information-system projects (4 §1–2) ----------------------------------------------------------


class Project(DepartmentScopedModel):
    class State(models.TextChoices):
        PRE_APPROVAL = "pre_approval", "立项前评估"
        APPROVED = "approved", "已立项"
        BUILDING = "building", "建设中"
        GOLIVE_REVIEW = "golive_review", "上线前评估"
        LIVE = "live", "已上线"

    name = models.CharField("项目名称", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="项目负责人", on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("项目简介", blank=True)
    system = models.ForeignKey(
        "assets.Asset",
        verbose_name="对应信息系统（资产台账）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"type": "system"},
        related_name="+",
    )
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.PRE_APPROVAL, db_index=True
    )
    approved_at = models.DateTimeField("立项时间", null=True, blank=True)
    live_at = models.DateTimeField("上线时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "信息化项目"
        verbose_name_plural = "信息化项目"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("audits:project", args=[self.pk])

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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "上线前风险评估"
        verbose_name_plural = "上线前风险评估"
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.project} 上线前风险评估（{'通过' if self.passed else '未通过'}）"


# --- the risk register -----------------------------------------------------------------------------


class Risk(DepartmentScopedModel):
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
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="风险责任人", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project,
        verbose_name="所属项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
    )
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
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="风险接受审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField("接受时间", null=True, blank=True)
    acceptance_expires = models.DateField(
        "接受有效期至", null=True, blank=True, validators=[validate_plausible_date]
    )
    acceptance_note = models.TextField("接受理由", blank=True)
    next_review = models.DateField(
        "下次复核日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    review_obligation = models.ForeignKey(
        Obligation,
        verbose_name="复核义务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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

    def get_absolute_url(self):
        return reverse("audits:risk", args=[self.pk])

    def save(self, *args, **kwargs):
        self.score = (self.likelihood or 1) * (self.severity or 1)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"likelihood", "severity"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "score"}
        super().save(*args, **kwargs)

    @property
    def level(self):
        from .risk_levels import level_for

        return level_for(self.likelihood * self.severity)

    def get_level_display(self):
        return self.Level(self.level).label

    @property
    def level_badge(self):
        from .risk_levels import LEVEL_BADGES

        return LEVEL_BADGES[self.level]

    def acceptance_valid(self, today=None):
        """Formally accepted: an approver recorded and the acceptance not expired."""
        if self.accepted_by_id is None:
            return False
        today = today or timezone.localdate()
        return self.acceptance_expires is not None and self.acceptance_expires >= today


RiskUserObjectPermission, RiskGroupObjectPermission = object_permission_models(Risk)


# === governance records (chapters 2, 3, 5, 7, 8, 9) ================================================
# Owned by the information centre (AUDITS_REVIEW_DEPARTMENT). Rules live in ``governance.py``.


class OfficerAppointment(DepartmentScopedModel):
    """安全员任命 (2 §1): one full-time and three part-time officers must be current."""

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", "专职"
        PART_TIME = "part_time", "兼职"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安全员", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.PART_TIME)
    phone = models.CharField("联系电话", max_length=40)
    appointed_on = models.DateField("任命日期", validators=[validate_happened])
    ended_on = models.DateField(
        "卸任日期", null=True, blank=True, db_index=True, validators=[validate_plausible_date]
    )
    note = models.CharField("备注", max_length=200, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全员任命"
        verbose_name_plural = "安全员名册"
        ordering = ["ended_on", "kind", "-appointed_on", "pk"]

    def __str__(self):
        from szmz_security.org.models import display_name

        return f"{display_name(self.person)}（{self.get_kind_display()}安全员）"

    def get_absolute_url(self):
        return reverse("audits:officerappointment", args=[self.pk])

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.appointed_on <= today and (self.ended_on is None or self.ended_on >= today)


OfficerAppointmentUserObjectPermission, OfficerAppointmentGroupObjectPermission = object_permission_models(
    OfficerAppointment
)


class OnCallShift(DepartmentScopedModel):
    """24 小时值班 (3 §3): who answers, from which day to which day (inclusive)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="值班人", on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField("值班电话", max_length=40)
    starts_on = models.DateField("开始日期", db_index=True, validators=[validate_plausible_date])
    ends_on = models.DateField("结束日期", db_index=True, validators=[validate_plausible_date])
    note = models.CharField("备注", max_length=200, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "24小时值班表"
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="oncall_shift_ordered",
                violation_error_message="结束日期不能早于开始日期。",
            )
        ]

    def __str__(self):
        from szmz_security.org.models import display_name

        return f"{self.starts_on:%Y-%m-%d}至{self.ends_on:%Y-%m-%d} {display_name(self.person)}"

    def get_absolute_url(self):
        return reverse("audits:oncallshift", args=[self.pk])

    def clean(self):
        from .governance import clean_shift

        clean_shift(self)


OnCallShiftUserObjectPermission, OnCallShiftGroupObjectPermission = object_permission_models(OnCallShift)


class SecurityScan(DepartmentScopedModel):
    """安全检测 (2 §6, 8 §2): a scan with its findings and their fixes."""

    scanned_on = models.DateField("检测日期", db_index=True, validators=[validate_happened])
    tool = models.CharField("检测工具", max_length=100)
    system = models.CharField("检测对象（系统/范围）", max_length=200)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检测人", on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField("检测结果摘要", blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全检测"
        verbose_name_plural = "安全检测记录"
        ordering = ["-scanned_on", "-pk"]

    def __str__(self):
        return f"{self.scanned_on:%Y-%m-%d} {self.system}（{self.tool}）"

    def get_absolute_url(self):
        return reverse("audits:securityscan", args=[self.pk])


SecurityScanUserObjectPermission, SecurityScanGroupObjectPermission = object_permission_models(SecurityScan)


class ScanFinding(models.Model):
    """A vulnerability a scan found: its fix date is an Obligation of the owner; fixing meets it."""

    class Severity(models.TextChoices):
        HIGH = "high", "高危"
        MEDIUM = "medium", "中危"
        LOW = "low", "低危"

    scan = models.ForeignKey(SecurityScan, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField("风险等级", max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.TextField("漏洞描述")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="整改责任人", on_delete=models.PROTECT, related_name="+"
    )
    fix_due = models.DateField("整改期限", validators=[validate_plausible_date])
    fixed_on = models.DateField("整改完成日期", null=True, blank=True, validators=[validate_happened])
    fix_note = models.TextField("整改情况", blank=True)
    obligation = models.OneToOneField(
        Obligation, verbose_name="对应义务", null=True, on_delete=models.PROTECT, related_name="scan_finding"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "检测发现"
        verbose_name_plural = "检测发现"
        ordering = ["fixed_on", "fix_due", "pk"]

    def __str__(self):
        return f"[{self.get_severity_display()}] {self.description[:40]}"

    @property
    def severity_badge(self):
        return {"high": "danger", "medium": "warning", "low": "info"}.get(self.severity, "secondary")


class PatchRecord(DepartmentScopedModel):
    """补丁升级记录 (2 §6, 8 §2)."""

    system = models.CharField("系统/设备", max_length=200)
    asset = models.ForeignKey(
        "assets.Asset",
        verbose_name="资产（台账）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    patch_id = models.CharField("补丁/版本编号", max_length=100)
    applied_on = models.DateField("安装日期", db_index=True, validators=[validate_happened])
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安装人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=300, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "补丁记录"
        verbose_name_plural = "补丁升级记录"
        ordering = ["-applied_on", "-pk"]

    def __str__(self):
        return f"{self.system} {self.patch_id}"

    def get_absolute_url(self):
        return reverse("audits:patchrecord", args=[self.pk])


PatchRecordUserObjectPermission, PatchRecordGroupObjectPermission = object_permission_models(PatchRecord)


class LogSource(DepartmentScopedModel):
    """系统日志来源 (2 §5, 8 §1): where a system's logs are kept and for how long."""

    system = models.CharField("系统", max_length=200)
    location = models.CharField("存放位置", max_length=300)
    retention_days = models.PositiveIntegerField(
        "保存天数", validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    last_verified_on = models.DateField(
        "最近核查日期", null=True, blank=True, db_index=True, validators=[validate_happened]
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("备注", max_length=300, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "日志来源"
        verbose_name_plural = "系统日志来源"
        ordering = ["system", "pk"]

    def __str__(self):
        return f"{self.system}（{self.location}）"

    def get_absolute_url(self):
        return reverse("audits:logsource", args=[self.pk])


LogSourceUserObjectPermission, LogSourceGroupObjectPermission = object_permission_models(LogSource)


class TrainingSession(DepartmentScopedModel):
    """安全培训 (chapter 9) with its attendance."""

    title = models.CharField("培训主题", max_length=200)
    held_on = models.DateField("培训日期", db_index=True, validators=[validate_happened])
    trainer = models.CharField("授课人", max_length=100)
    audience = models.CharField("培训对象", max_length=200, help_text="如：全体安全员、新入职人员")
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(100)],
    )
    note = models.TextField("内容摘要", blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全培训"
        verbose_name_plural = "安全培训记录"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("audits:trainingsession", args=[self.pk])


TrainingSessionUserObjectPermission, TrainingSessionGroupObjectPermission = object_permission_models(
    TrainingSession
)


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.CASCADE, related_name="trainings"
    )
    attended = models.BooleanField("已参加", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训签到"
        verbose_name_plural = "培训签到"
        ordering = ["user__username"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_once")]

    def __str__(self):
        return f"{self.session} — {self.user}"


class AccountReview(DepartmentScopedModel):
    """账号权限核对 (7 §2): after a staff change (离职/调岗), or the yearly check."""

    class Kind(models.TextChoices):
        DEACTIVATED = "deactivated", "人员离职/停用"
        JOINED = "joined", "调入部门"
        LEFT = "left", "调出部门"
        YEARLY = "yearly", "年度核对"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="涉及人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_department = models.ForeignKey(
        Department, verbose_name="变动部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, validators=[validate_year])
    reason = models.CharField("事由", max_length=300)
    obligation = models.OneToOneField(
        Obligation,
        verbose_name="对应义务",
        null=True,
        on_delete=models.PROTECT,
        related_name="account_review",
    )
    accounts_disabled = models.TextField("已停用账号", blank=True)
    rights_changed = models.TextField("已调整权限（邮箱、系统权限等）", blank=True)
    note = models.TextField("核对说明", blank=True)
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "账号权限核对"
        verbose_name_plural = "账号权限核对"
        ordering = ["closed_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(kind="yearly"), name="account_review_yearly_once"
            )
        ]

    def __str__(self):
        if self.kind == self.Kind.YEARLY:
            return f"{self.year}年度账号权限核对"
        from szmz_security.org.models import display_name

        return f"账号权限核对：{display_name(self.subject)}（{self.get_kind_display()}）"

    def get_absolute_url(self):
        return reverse("audits:accountreview", args=[self.pk])

    @property
    def closed(self):
        return self.closed_at is not None


AccountReviewUserObjectPermission, AccountReviewGroupObjectPermission = object_permission_models(
    AccountReview
)


class PrivilegedAccount(DepartmentScopedModel):
    """特权账号 (5 §4): superuser rights are approved; their passwords change periodically."""

    system = models.CharField("系统/设备", max_length=200)
    account_name = models.CharField("账号", max_length=100)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="持有人", on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField("审批日期", validators=[validate_happened])
    password_interval_days = models.PositiveIntegerField(
        "密码更换周期（天）", default=90, validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    # The latest PasswordChange (or the approval date), kept by the service; with the interval it
    # gives the next change date, indexed so the list filters overdue accounts in SQL.
    password_changed_on = models.DateField("最近更换密码", editable=False, null=True)
    password_due_on = models.DateField("密码应更换日期", editable=False, null=True, db_index=True)
    active = models.BooleanField("在用", default=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "特权账号"
        verbose_name_plural = "特权账号登记"
        ordering = ["system", "account_name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "account_name"], name="privileged_account_once")
        ]

    def __str__(self):
        return f"{self.system} / {self.account_name}"

    def get_absolute_url(self):
        return reverse("audits:privilegedaccount", args=[self.pk])

    def save(self, *args, **kwargs):
        import datetime as _dt

        base = self.password_changed_on or self.approved_on
        self.password_due_on = base + _dt.timedelta(days=self.password_interval_days) if base else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "password_due_on"}
        super().save(*args, **kwargs)

    def password_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.active and self.password_due_on is not None and self.password_due_on < today


PrivilegedAccountUserObjectPermission, PrivilegedAccountGroupObjectPermission = object_permission_models(
    PrivilegedAccount
)


class PasswordChange(models.Model):
    account = models.ForeignKey(PrivilegedAccount, on_delete=models.CASCADE, related_name="password_changes")
    changed_on = models.DateField("更换日期", db_index=True, validators=[validate_happened])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更换人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "密码更换记录"
        verbose_name_plural = "密码更换记录"
        ordering = ["-changed_on", "-pk"]

    def __str__(self):
        return f"{self.account} {self.changed_on:%Y-%m-%d}"
