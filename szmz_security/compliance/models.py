"""The regulation as data (DESIGN.md §6): frameworks → chapters → clauses, and what officers
record about them by hand (attestations, applicability overrides).

Frameworks, chapters and clauses are written only by the loader (``loader.py``) from the TOML
files in ``frameworks/``; a clause that leaves its file is retired, never deleted, so the
attestations and history that point at it stay.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from szmz_security.jobs.models import Job, latest_job


class Frequency(models.TextChoices):
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"
    PER_EVENT = "per_event", "按事件"
    NONE = "", "—"


class Framework(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=200)
    short_name = models.CharField("简称", max_length=60)
    version = models.CharField("数据版本", max_length=40)
    source = models.CharField("出处", max_length=300)
    description = models.TextField("说明", blank=True)
    data_file = models.CharField("数据文件", max_length=200)
    digest = models.CharField("文件摘要", max_length=64, editable=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True, help_text="数据文件已删除的框架停用，记录保留。")
    loaded_at = models.DateTimeField("载入时间", default=timezone.now)

    history = HistoricalRecords(excluded_fields=["digest"])

    class Meta:
        verbose_name = "合规框架"
        verbose_name_plural = "合规框架"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Chapter(models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name="框架", on_delete=models.PROTECT, related_name="chapters"
    )
    code = models.CharField("章号", max_length=20)
    label = models.CharField("章名前缀", max_length=20, help_text="如“第五章”")
    title = models.CharField("章名", max_length=100)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    retired = models.BooleanField("已废止", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "章"
        verbose_name_plural = "章"
        ordering = ["framework__sort_order", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="chapter_unique_code")]

    def __str__(self):
        return f"{self.label} {self.title}"

    def get_absolute_url(self):
        return reverse("compliance:chapter", args=[self.framework.code, self.code])


class ClauseQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """Compliance is bureau-wide: every clause for holders of the view permission, none else."""
        if not user.is_authenticated or not user.has_perm("compliance.view_clause"):
            return self.none()
        if action != "view" and not user.has_perm("compliance.attest_clause"):
            return self.none()
        return self


class Clause(models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name="框架", on_delete=models.PROTECT, related_name="clauses"
    )
    chapter = models.ForeignKey(Chapter, verbose_name="章", on_delete=models.PROTECT, related_name="clauses")
    code = models.CharField("条款号", max_length=30, help_text="如 “5.7”：第五章第七条")
    title = models.CharField("要点", max_length=200)
    text = models.TextField("条文")
    summary = models.BooleanField("条文为摘要", default=False, help_text="条文为要点摘要而非正式文本。")
    evidence = models.JSONField("证据要求", default=list, blank=True)
    frequency = models.CharField("频次", max_length=10, choices=Frequency.choices, blank=True)
    not_applicable_reason = models.TextField("不适用原因", blank=True)
    # A clause renumbered by an amendment: [{"from": "2026-01-01", "code": "23.3"}], oldest first.
    renumbered = models.JSONField("条款号变更", default=list, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    retired = models.BooleanField("已废止", default=False)
    retired_at = models.DateTimeField("废止时间", null=True, blank=True)

    history = HistoricalRecords()
    objects = ClauseQuerySet.as_manager()

    class Meta:
        verbose_name = "条款"
        verbose_name_plural = "条款"
        ordering = ["framework__sort_order", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="clause_unique_code")]
        permissions = [
            ("view_compliance", "查看合规状况"),
            ("attest_clause", "人工确认条款"),
            ("mark_not_applicable", "标记条款不适用"),
        ]

    def __str__(self):
        return f"{self.display_code} {self.title}"

    def get_absolute_url(self):
        return reverse("compliance:clause", args=[self.pk])

    @property
    def display_code(self):
        """“第五章第7条” for the bureau's numbering, the code in force today otherwise."""
        return self.code_on(timezone.now())

    def code_on(self, instant):
        """The clause's number in force at ``instant`` (an amendment may renumber it: 网络安全法
        21(3) is 23(3) from 2026-01-01), as the bureau writes it."""
        day = timezone.localdate(instant).isoformat() if hasattr(instant, "tzinfo") else str(instant)
        code = self.code
        for change in self.renumbered or []:
            if str(change.get("from", "")) <= day:
                code = change.get("code", code)
        head, _, item = code.partition(".")
        if self.chapter.label.startswith("第") and head == self.chapter.code and item.isdigit():
            return f"{self.chapter.label}第{item}条"
        if self.renumbered and item.isdigit():
            return f"{head}({item})"  # the law's article(item): 21(3), 23(3)
        return code

    @property
    def attestable(self):
        return any(item.get("kind") == "attestation" for item in self.evidence or [])


class Attestation(models.Model):
    """An officer's statement that a clause software cannot see is met, valid until a date."""

    clause = models.ForeignKey(
        Clause, verbose_name="条款", on_delete=models.PROTECT, related_name="attestations"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("确认时间", default=timezone.now)
    note = models.TextField("确认说明", help_text="检查了什么、依据哪些材料（文件编号、存放位置）。")
    valid_until = models.DateField("有效期至")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "人工确认"
        verbose_name_plural = "人工确认"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["clause", "valid_until"], name="attestation_clause_valid")]

    def __str__(self):
        return f"{self.clause.code} 人工确认（至 {self.valid_until:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("compliance:clause", args=[self.clause_id])


class ApplicabilityOverride(models.Model):
    """An officer's decision that a clause does (not) apply here, overriding the data file."""

    clause = models.OneToOneField(
        Clause, verbose_name="条款", on_delete=models.PROTECT, related_name="applicability_override"
    )
    applicable = models.BooleanField("适用", default=False)
    reason = models.TextField("原因")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("决定时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "适用性决定"
        verbose_name_plural = "适用性决定"

    def __str__(self):
        return f"{self.clause.code} {'适用' if self.applicable else '不适用'}"


class InspectionReportQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """Bureau-wide, like the dashboard: every report for holders of the compliance view
        permission (officers, leadership, inspectors, administrators), none for anyone else."""
        if not user.is_authenticated or not user.has_perm("compliance.view_clause"):
            return self.none()
        return self


class InspectionReport(models.Model):
    """One requested inspection PDF (信息安全合规检查报告) for a period: built by a Celery task,
    never regenerated in place — each request is a new row."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "生成失败"

    period_start = models.DateField("检查期间起")
    period_end = models.DateField("检查期间止")
    framework = models.ForeignKey(
        Framework,
        verbose_name="框架",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空为全部启用的框架。",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.FileField("报告文件", upload_to="compliance/reports/%Y/", blank=True)
    pages = models.PositiveIntegerField("页数", default=0)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    error = models.TextField("错误信息", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    # The build's progress and heartbeat (DESIGN.md §9).
    jobs = GenericRelation(Job, content_type_field="subject_type", object_id_field="subject_id")

    history = HistoricalRecords()
    objects = InspectionReportQuerySet.as_manager()

    class Meta:
        verbose_name = "合规检查报告"
        verbose_name_plural = "合规检查报告"
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"信息安全合规检查报告（{self.period_start:%Y-%m-%d} 至 {self.period_end:%Y-%m-%d}）"

    def get_absolute_url(self):
        return reverse("compliance:inspectionreport", args=[self.pk])

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @cached_property
    def job(self):
        return latest_job(self.jobs.all())

    @property
    def state_badge(self):
        return {"queued": "secondary", "running": "primary", "done": "success", "failed": "danger"}[
            self.state
        ]
