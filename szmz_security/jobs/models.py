"""A long-running job (DESIGN.md §9): what the worker is doing for whom, how far it got and
when it last showed a sign of life. The subject (an inspection report, an asset import, a
reconciliation …) keeps its own business state; the job row is the uniform execution state."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


def default_max_attempts():
    return settings.JOB_MAX_ATTEMPTS


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    # The registered handler that runs it (services.register), e.g. "compliance.inspection_report".
    kind = models.CharField("类型", max_length=60)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField("已完成量", default=0)
    total = models.PositiveIntegerField("总量", default=0)
    message = models.CharField("当前步骤或结果", max_length=300, blank=True)
    # Last sign of life: set when queued, beaten by progress() and by the runner's heartbeat
    # thread; the stale sweep re-queues or fails a job whose beat is older than JOB_STALE_MINUTES.
    heartbeat_at = models.DateTimeField("心跳时间", default=timezone.now)
    attempts = models.PositiveSmallIntegerField("已运行次数", default=0)
    max_attempts = models.PositiveSmallIntegerField("最多运行次数", default=default_max_attempts)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    subject_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT)
    # Integer, as every subject's key is (like Obligation.subject_id).
    subject_id = models.PositiveBigIntegerField("对象编号")
    subject = GenericForeignKey("subject_type", "subject_id")
    # For a job whose only product is a file; jobs with a business subject store it there.
    file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="job_liveness"),
            models.Index(fields=["subject_type", "subject_id"], name="job_subject"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}（{self.get_state_display()}）"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self):
        if self.finished:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))


def latest_job(jobs):
    """The newest of a subject's jobs (``subject.jobs.all()``, prefetched on lists), or None."""
    return max(jobs, key=lambda job: (job.created_at, job.pk), default=None)
