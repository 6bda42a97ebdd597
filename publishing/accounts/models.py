"""The bureau's public accounts (公众账号, 互联网用户公众账号信息服务管理规定): each account is a
publishing channel of a department, with its registration and the person answerable for its
content. Publications to an account go through the same approval chain and word filter as any other
(``publications/``); the yearly review is an obligation met by a ``PublicAccountReview``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened, validate_year
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models


class Platform(models.TextChoices):
    """Where an account lives; the same codes as a publication's channel (``publications.Channel``)."""

    WECHAT = "wechat", "微信公众号"
    WEIBO = "weibo", "政务微博"
    DOUYIN = "douyin", "抖音"
    TOUTIAO = "toutiao", "今日头条"
    VIDEO = "video", "微信视频号"
    OTHER = "other", "其他平台"


class PublicAccount(DetailUrlMixin, DepartmentScopedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "运营中"
        SUSPENDED = "suspended", "暂停运营"
        CLOSED = "closed", "已注销"

    platform = models.CharField("平台", max_length=10, choices=Platform.choices)
    name = models.CharField("账号名称", max_length=100)
    account_id = models.CharField("账号ID", max_length=100, help_text="平台上的账号标识，如微信号、微博ID。")
    registered_entity = models.CharField("注册主体", max_length=200, help_text="实名注册的机关或单位全称。")
    registered_on = models.DateField("注册日期", validators=[validate_happened])
    certification_no = models.CharField("认证/备案号", max_length=100, blank=True)
    content_officer = user_field("内容安全负责人")
    deputy_officer = user_field("内容安全副责任人", null=True)
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="运营人员", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    last_reviewed_on = models.DateField("最近年度核查", null=True, blank=True, editable=False)
    note = models.CharField("备注", max_length=300, blank=True)

    restricted_field = None
    history = HistoricalRecords(m2m_fields=[operators])

    class Meta:
        verbose_name = "公众账号"
        verbose_name_plural = "公众账号"
        ordering = ["status", "platform", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "account_id"], name="public_account_once_per_platform"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_platform_display()}）"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE


PublicAccountUserObjectPermission, PublicAccountGroupObjectPermission = object_permission_models(
    PublicAccount
)


class PublicAccountReview(DetailUrlMixin, DepartmentScopedModel):
    """An account's yearly review: still needed, its officer still right, its registration current.
    One per account and year; its obligation is created with it and met when it is completed."""

    account = models.ForeignKey(
        PublicAccount, verbose_name="公众账号", on_delete=models.PROTECT, related_name="reviews"
    )
    year = models.PositiveIntegerField("年度", validators=[validate_year])
    reviewed_on = models.DateField("核查日期", null=True, blank=True, validators=[validate_happened])
    reviewer = user_field("核查人", null=True)
    still_needed = models.BooleanField("仍需运营", default=True)
    officer_confirmed = models.BooleanField("内容安全负责人在岗", default=False)
    registration_current = models.BooleanField("注册与认证信息有效", default=False)
    conclusion = models.TextField("核查结论", blank=True)
    obligation = optional_link(Obligation, "对应义务", one_to_one=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "公众账号年度核查"
        verbose_name_plural = "公众账号年度核查"
        ordering = ["-year", "account", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="public_account_review_once_a_year")
        ]

    def __str__(self):
        return f"{self.account.name} {self.year}年度核查"

    @property
    def is_done(self):
        return self.reviewed_on is not None


PublicAccountReviewUserObjectPermission, PublicAccountReviewGroupObjectPermission = object_permission_models(
    PublicAccountReview
)
