"""The quarterly internal review (4 §3): the review, its checklist items, circulation (通报) and the
findings of reviews and external assessments. Rules live in ``services.py``."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.compliance.evidence import STATUS_BADGES, STATUS_LABELS, Status
from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_year
from szmz_security.jobs.models import Job
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.models import Department
from szmz_security.org.permissions import object_permission_models


class QuarterlyReview(DetailUrlMixin, DepartmentScopedModel):
    """One quarter's internal risk review: a checklist over the bureau's regulation, findings,
    circulation (通报) to departments and a sign-off. Owned by the information centre.

    The yearly self-inspection (年度自查, ``kind = self_inspection``) is the same record: a checklist
    of clauses answered from evidence or attested, findings, a sign-off meeting an obligation; it has
    no quarter, and its signed-off PDF is built by the worker (``pdf_file``, ``jobs``)."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", "季度风险评估"
        SELF_INSPECTION = "self_inspection", "年度自查"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.QUARTERLY)
    year = models.PositiveSmallIntegerField("年度", validators=[validate_year])
    quarter = models.PositiveSmallIntegerField(
        "季度", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    frameworks = models.CharField("自查范围（框架代码）", max_length=500, blank=True)
    pdf_file = models.FileField("自查报告", upload_to="audits/self-inspections/%Y/", blank=True)
    pdf_generated_at = models.DateTimeField("报告生成时间", null=True, blank=True)
    obligation = optional_link(Obligation, "对应义务", related_name="quarterly_review", one_to_one=True)
    summary = models.TextField("评估结论", blank=True)
    signed_off_at = models.DateTimeField("签发时间", null=True, blank=True)
    signed_off_by = user_field("签发人", null=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    # The self-inspection PDF's build (progress, heartbeat; DESIGN.md §9).
    jobs = GenericRelation(Job, content_type_field="subject_type", object_id_field="subject_id")

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "季度风险评估"
        verbose_name_plural = "季度风险评估"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=models.Q(kind="quarterly"),
                name="quarterly_review_once_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(kind="self_inspection"),
                name="self_inspection_once_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="self_inspection") | models.Q(quarter__isnull=False),
                name="quarterly_review_has_quarter",
            ),
        ]

    def __str__(self):
        if self.is_self_inspection:
            return f"{self.year}年度信息安全自查"
        return f"{self.year}年第{self.quarter}季度信息安全风险内部评估"

    @property
    def is_self_inspection(self):
        return self.kind == self.Kind.SELF_INSPECTION

    @property
    def job(self):
        """The latest PDF build of a self-inspection (prefetch ``jobs`` for lists)."""
        jobs = sorted(self.jobs.all(), key=lambda job: job.pk)
        return jobs[-1] if jobs else None

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
    assessed_by = user_field("评估人", null=True)
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
        try:
            return STATUS_LABELS[Status(self.hint_status)]
        except ValueError:
            return ""

    @property
    def hint_badge(self):
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
    user = user_field("接收人", on_delete=models.CASCADE)
    sent_at = models.DateTimeField("通报时间", default=timezone.now)
    sent_by = user_field("通报人")
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
        "audits.ExternalAssessment", null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    item = optional_link(ReviewItem, "评估项", on_delete=models.SET_NULL, related_name="findings")
    title = models.CharField("问题", max_length=300)
    measures = models.TextField("整改措施", blank=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    department = models.ForeignKey(
        Department, verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    owner = user_field("责任人")
    due_at = models.DateTimeField("完成期限")
    obligation = models.OneToOneField(
        Obligation, verbose_name="对应义务", null=True, on_delete=models.PROTECT, related_name="finding"
    )
    created_by = user_field("登记人")
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
