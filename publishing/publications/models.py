"""Publications (10 §1): the draft, its attachments and its approval chain."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import optional_link
from szmz_security.core.validators import validate_plausible_date
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..accounts.models import PublicAccount


class Channel(models.TextChoices):
    PORTAL = "portal", "门户网站"
    WECHAT = "wechat", "微信公众号"
    WEIBO = "weibo", "政务微博"
    DOUYIN = "douyin", "抖音"
    TOUTIAO = "toutiao", "今日头条"
    VIDEO = "video", "微信视频号"
    OTHER = "other", "其他平台"
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
    account = optional_link(
        PublicAccount,
        "公众账号",
        related_name="publications",
        help_text="发往本局公众账号的信息须选择账号；账号须在运营中，平台与发布渠道一致。",
    )
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
