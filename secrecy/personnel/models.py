"""涉密人员 and 保密教育 (市民政局保密工作制度 第六条; 保守国家秘密法 2024 第四十三至四十五条).
Rules live in ``services.py``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, user_field
from szmz_security.core.validators import validate_happened, validate_plausible_date
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.models import display_name
from szmz_security.org.permissions import object_permission_models


class ClassifiedPerson(DetailUrlMixin, DepartmentScopedModel):
    """涉密人员: a person on a classified post, their 保密资格审查, 保密承诺书 and, on leaving, the
    脱密期. Personal data: need-to-know (``restricted``) — the secrecy office, the department's
    head (granted by the service) and explicit grantees read it; global viewers see the status."""

    class Level(models.TextChoices):
        CORE = "core", "核心涉密人员"
        IMPORTANT = "important", "重要涉密人员"
        GENERAL = "general", "一般涉密人员"

    class ReviewResult(models.TextChoices):
        PASSED = "passed", "通过"
        FAILED = "failed", "不通过"

    class Status(models.TextChoices):
        PENDING = "pending", "待上岗"
        ON_POST = "on_post", "在岗"
        DECLASSIFYING = "declassifying", "脱密期"
        RELEASED = "released", "已脱密"

    person = user_field("涉密人员")
    post = models.CharField("涉密岗位", max_length=100)
    level = models.CharField("涉密等级", max_length=10, choices=Level.choices, db_index=True)
    reviewed_on = models.DateField("保密资格审查日期", null=True, blank=True, validators=[validate_happened])
    review_result = models.CharField("审查结论", max_length=10, choices=ReviewResult.choices, blank=True)
    reviewer = user_field("审查人", null=True)
    commitment_signed_on = models.DateField(
        "保密承诺书签订日期", null=True, blank=True, validators=[validate_happened]
    )
    status = models.CharField(
        "状态", max_length=15, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    left_post_on = models.DateField("离岗日期", null=True, blank=True, editable=False)
    leaving_commitment_signed_on = models.DateField(
        "离岗保密承诺书签订日期", null=True, blank=True, editable=False
    )
    declassification_ends_on = models.DateField(
        "脱密期届满日期",
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        validators=[validate_plausible_date],
    )
    released_on = models.DateField("解除脱密期管理日期", null=True, blank=True, editable=False)
    declassification_obligation = models.OneToOneField(
        Obligation,
        verbose_name="脱密期届满确认义务",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="classified_person",
    )
    note = models.CharField("备注", max_length=300, blank=True)
    restricted = models.BooleanField("知悉范围受限", default=True, editable=False)

    restricted_public_fields = ("department", "status", "declassification_ends_on")
    audit_views = True
    history = HistoricalRecords()

    class Meta:
        verbose_name = "涉密人员"
        verbose_name_plural = "涉密人员名册"
        ordering = ["status", "level", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(status="released"),
                name="classified_person_current_once",
                violation_error_message="该人员已在涉密人员名册中（未脱密）。",
            )
        ]

    def __str__(self):
        return f"{display_name(self.person)}（{self.get_level_display()}，{self.post}）"

    @property
    def review_passed(self):
        return self.review_result == self.ReviewResult.PASSED and self.reviewed_on is not None

    def declassification_months(self):
        return settings.SECRECY_DECLASSIFICATION_MONTHS[self.level]

    def in_declassification(self, today=None):
        today = today or timezone.localdate()
        return self.status == self.Status.DECLASSIFYING and (
            self.declassification_ends_on is None or today <= self.declassification_ends_on
        )


ClassifiedPersonUserObjectPermission, ClassifiedPersonGroupObjectPermission = object_permission_models(
    ClassifiedPerson
)


class SecrecyEducation(DetailUrlMixin, DepartmentScopedModel):
    """保密教育 (第四条、第五条、第六条 负责保密教育和培训): a session with its attendees; every 在岗
    classified person attends at least one a year (obligation ``secrecy.education``)."""

    held_on = models.DateField("教育日期", db_index=True, validators=[validate_happened])
    topic = models.CharField("教育主题", max_length=200)
    organizer = models.CharField("组织/授课", max_length=100, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="参加人员", related_name="+", blank=True
    )
    note = models.TextField("内容摘要", blank=True)

    restricted_field = None
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = "保密教育"
        verbose_name_plural = "保密教育记录"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


SecrecyEducationUserObjectPermission, SecrecyEducationGroupObjectPermission = object_permission_models(
    SecrecyEducation
)
