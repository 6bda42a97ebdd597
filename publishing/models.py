"""Publishing (regulation chapter 10): the approval chain for public information (10 §1), the
sensitive-word filter (10 §2) and the public message board with its archive of held harmful
content and the monthly report to the police (10 §2, §4)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.validators import validate_plausible_date
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import (
    DepartmentScopedModel,
)
from szmz_security.org.permissions import object_permission_models

# --- the sensitive-word filter (10 §2) ------------------------------------------------------------


class WordCategory(models.TextChoices):
    POLITICS = "politics", "政治"
    PORNOGRAPHY = "pornography", "色情"
    GAMBLING = "gambling", "赌博"
    CULT = "cult", "邪教"
    TERRORISM = "terrorism", "暴恐"
    ADVERTISING = "advertising", "广告"
    OTHER = "other", "其他"


class WordLevel(models.TextChoices):
    BLOCK = "block", "拦截"
    REVIEW = "review", "人工审核"


class SensitiveWord(models.Model):
    word = models.CharField("敏感词", max_length=100)
    # The word as the matcher sees it (width, case, traditional → simplified folded); unique.
    normalized = models.CharField("规范形式", max_length=100, unique=True, editable=False)
    category = models.CharField(
        "类别", max_length=20, choices=WordCategory.choices, default=WordCategory.OTHER
    )
    level = models.CharField("级别", max_length=10, choices=WordLevel.choices, default=WordLevel.BLOCK)
    active = models.BooleanField("启用", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("添加时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"
        ordering = ["category", "word"]
        indexes = [models.Index(fields=["active", "category"], name="word_active_category")]

    def __str__(self):
        return self.word


class WordListVersion(models.Model):
    """One row: bumped on every change to the word list, so each process rebuilds its automaton
    once per version (and the web, worker and API processes agree on which list they use)."""

    version = models.PositiveIntegerField("版本", default=0)
    changed_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "词库版本"
        verbose_name_plural = "词库版本"

    def __str__(self):
        return f"v{self.version}"


# --- the publication workflow (10 §1) -------------------------------------------------------------


class Channel(models.TextChoices):
    PORTAL = "portal", "门户网站"
    WECHAT = "wechat", "微信公众号"
    WEIBO = "weibo", "政务微博"
    INTERNAL = "internal", "内部通知"


class Publication(DepartmentScopedModel):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        HEAD_REVIEW = "head_review", "处室负责人审批"
        INFO_REVIEW = "info_review", "信息员审核"
        LEADER_REVIEW = "leader_review", "局领导审定"
        READY = "ready", "待发布"
        PUBLISHED = "published", "已发布"
        RETURNED = "returned", "退回修改"
        REJECTED = "rejected", "已否决"

    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    channel = models.CharField("发布渠道", max_length=15, choices=Channel.choices, default=Channel.PORTAL)
    is_major = models.BooleanField(
        "重大事项", default=False, help_text="重大事项须经局领导（副局长及以上）审定。"
    )
    planned_at = models.DateTimeField(
        "计划发布时间", null=True, blank=True, validators=[validate_plausible_date]
    )
    state = models.CharField("状态", max_length=15, choices=State.choices, default=State.DRAFT, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What is published is frozen: a change is a new version that starts its own chain.
    version = models.PositiveIntegerField("版本", default=1)
    previous_version = models.OneToOneField(
        "self",
        verbose_name="上一版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    # The review-level hits the information officer accepted (who and when is in the steps).
    filter_override = models.BooleanField("已人工放行审核级敏感词", default=False)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "信息发布"
        verbose_name_plural = "信息发布"
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("review_publication", "审核信息发布（信息员）"),
            ("approve_major_publication", "审定重大信息发布（局领导）"),
            ("publish_publication", "发布信息（信息员）"),
            ("override_filter", "放行审核级敏感词（信息员）"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publishing:publication", args=[self.pk])


PublicationUserObjectPermission, PublicationGroupObjectPermission = object_permission_models(Publication)


class PublicationAttachment(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="publishing/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "发布附件"
        verbose_name_plural = "发布附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ApprovalStep(models.Model):
    """Every step of the chain: who decided what, when, with which comment (none skipped)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        APPROVE = "approve", "同意"
        RETURN = "return", "退回修改"
        REJECT = "reject", "否决"
        OVERRIDE = "override", "放行审核级敏感词"
        PUBLISH = "publish", "发布"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField("原状态", max_length=15, choices=Publication.State.choices)
    to_state = models.CharField("新状态", max_length=15, choices=Publication.State.choices)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    comment = models.TextField("意见")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    # The filter's hits at this step: [{"word", "category", "level", "start", "end"}].
    filter_hits = models.JSONField("敏感词命中", default=list, blank=True)

    class Meta:
        verbose_name = "审批记录"
        verbose_name_plural = "审批记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.publication}"


# --- the public message board (10 §2, §4) ---------------------------------------------------------


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
