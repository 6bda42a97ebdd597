"""The public message board (10 §2, §4): messages, held harmful content and the monthly report."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.obligations.models import Obligation


class BoardMessage(models.Model):
    class Status(models.TextChoices):
        SHOWN = "shown", "已显示"
        REVIEW = "review", "待审核"
        HELD = "held", "已拦截"

    name = models.CharField("留言人", max_length=50)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    text = models.TextField("留言内容", max_length=2000)
    submitted_at = models.DateTimeField("留言时间", default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, db_index=True)
    filter_hits = models.JSONField("敏感词命中", default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "公众留言"
        verbose_name_plural = "公众留言"
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.name}：{self.text[:20]}"


class HarmfulContentReport(models.Model):
    """The monthly report of held harmful content for the police (10 §4)."""

    month = models.DateField("月份", unique=True, help_text="该月第一天")
    obligation = models.OneToOneField(
        Obligation,
        verbose_name="报送义务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="harmful_content_report",
    )
    message_count = models.PositiveIntegerField("拦截留言数", default=0)
    pdf = models.FileField("PDF 报告", upload_to="publishing/reports/", blank=True)
    csv = models.FileField("CSV 明细", upload_to="publishing/reports/", blank=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "有害信息月报"
        verbose_name_plural = "有害信息月报"
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y年%m月}有害信息报告"
