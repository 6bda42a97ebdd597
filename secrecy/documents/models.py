"""涉密文件资料登记 (市民政局保密工作制度 第三章, 民政档案保密管理制度, 保守国家秘密法): the classified
documents a department holds, who keeps them (报办公室备案), their circulation, 清退/销毁 with a
witness, and the yearly secrecy-period review. Rules live in ``services.py``."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened, validate_plausible_date, validate_year
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.models import display_name
from szmz_security.org.permissions import object_permission_models


class ClassifiedDocument(DetailUrlMixin, DepartmentScopedModel):
    """涉密文件资料: need-to-know by default (only its custodian, the 保密办 and explicit grantees read it)."""

    class Level(models.TextChoices):
        SECRET = "secret", "秘密"
        CONFIDENTIAL = "confidential", "机密"
        TOP_SECRET = "top_secret", "绝密"

    class Status(models.TextChoices):
        HELD = "held", "在管"
        CIRCULATING = "circulating", "传阅中"
        RETURNED = "returned", "已清退"
        DESTROYED = "destroyed", "已销毁"
        DECLASSIFIED = "declassified", "已解密"

    # 清退 / 销毁 / 解密 end the document's life in the register: no more circulation.
    CLOSED_STATUSES = (Status.RETURNED, Status.DESTROYED, Status.DECLASSIFIED)
    MAX_YEARS = {Level.SECRET: 10, Level.CONFIDENTIAL: 20, Level.TOP_SECRET: 30}

    registered_on = models.DateField("登记日期", db_index=True, validators=[validate_happened])
    number = models.CharField("登记编号", max_length=40)
    title = models.CharField("文件标题", max_length=200)
    issuer = models.CharField("来文单位", max_length=100)
    document_number = models.CharField("文号", max_length=60, blank=True)
    level = models.CharField("密级", max_length=20, choices=Level.choices)
    secrecy_years = models.PositiveSmallIntegerField(
        "保密期限（年）",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "保密期限至少为1年。"),
            MaxValueValidator(30, "保密期限不能超过30年。"),
        ],
    )
    secret_until = models.DateField(
        "保密至（日期）", null=True, blank=True, validators=[validate_plausible_date]
    )
    copies = models.PositiveSmallIntegerField(
        "份数",
        default=1,
        validators=[MinValueValidator(1, "份数至少为1。"), MaxValueValidator(999, "份数不能超过999。")],
    )
    custodian = user_field("保管人")
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.HELD, editable=False
    )
    closed_on = models.DateField("清退/销毁/解密日期", null=True, blank=True, editable=False)
    disposal_method = models.CharField("清退/销毁方式", max_length=200, blank=True, editable=False)
    witness = user_field("监销人/监交人", null=True, editable=False)
    restricted = models.BooleanField(
        "知悉范围受限", default=True, help_text="默认仅保管人、保密办和经授权人员可查看内容。"
    )
    note = models.TextField("备注", blank=True)

    restricted_field = "restricted"
    restricted_public_fields = ("department", "registered_on", "number", "level", "status")
    audit_views = True
    history = HistoricalRecords()

    class Meta:
        verbose_name = "涉密文件资料"
        verbose_name_plural = "涉密文件资料登记"
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "number"],
                name="secrecy_document_number_unique",
                violation_error_message="本部门已有该登记编号的涉密文件。",
            ),
            models.CheckConstraint(
                condition=~models.Q(secrecy_years__isnull=True, secret_until__isnull=True),
                name="secrecy_document_period_given",
                violation_error_message="请填写保密期限（年）或保密截止日期。",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def marking(self):
        """The 密级标志, e.g. "机密★10年" or "秘密★2030-01-01"."""
        if self.secrecy_years:
            return f"{self.get_level_display()}★{self.secrecy_years}年"
        if self.secret_until:
            return f"{self.get_level_display()}★{self.secret_until:%Y-%m-%d}"
        return self.get_level_display()

    @property
    def is_closed(self):
        return self.status in self.CLOSED_STATUSES

    def clean(self):
        errors = {}
        if self.secrecy_years is None and self.secret_until is None:
            errors["secrecy_years"] = "请填写保密期限（年）或保密截止日期。"
        elif self.secrecy_years is not None and self.secret_until is not None:
            errors["secret_until"] = "保密期限（年）与保密截止日期只填一项。"
        elif self.secret_until and self.registered_on and self.secret_until <= self.registered_on:
            errors["secret_until"] = "保密截止日期须晚于登记日期。"
        limit = self.MAX_YEARS.get(self.level)
        if self.secrecy_years and limit and self.secrecy_years > limit:
            # 保守国家秘密法 第二十条第二款: 绝密不超过三十年，机密不超过二十年，秘密不超过十年.
            errors["secrecy_years"] = f"{self.get_level_display()}级保密期限不能超过{limit}年。"
        if self.department_id and self.number:
            duplicate = ClassifiedDocument.objects.filter(
                department_id=self.department_id, number=self.number
            )
            if duplicate.exclude(pk=self.pk).exists():
                errors["number"] = "本部门已有该登记编号的涉密文件。"
        if errors:
            raise ValidationError(errors)


ClassifiedDocumentUserObjectPermission, ClassifiedDocumentGroupObjectPermission = object_permission_models(
    ClassifiedDocument
)


class DocumentCirculation(models.Model):
    """传阅/借阅: who received a document when and by when it comes back; returning closes it."""

    document = models.ForeignKey(
        ClassifiedDocument, verbose_name="涉密文件", on_delete=models.CASCADE, related_name="circulations"
    )
    recipient = user_field("传阅/借阅人")
    lent_on = models.DateField("借出日期", validators=[validate_happened])
    due_on = models.DateField("应还日期", validators=[validate_plausible_date])
    returned_on = models.DateField("归还日期", null=True, blank=True, validators=[validate_happened])
    recorded_by = user_field("登记人")
    obligation = optional_link(Obligation, "归还义务")
    note = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "传阅/借阅记录"
        verbose_name_plural = "传阅/借阅记录"
        ordering = ["-lent_on", "-pk"]

    def __str__(self):
        return f"{self.document.number} → {display_name(self.recipient)}（{self.lent_on:%Y-%m-%d}）"

    @property
    def is_open(self):
        return self.returned_on is None

    def is_overdue(self, today=None):
        return self.is_open and self.due_on < (today or timezone.localdate())


class DocumentCustodian(DetailUrlMixin, DepartmentScopedModel):
    """涉密文件资料专人管理并报办公室备案 (保密工作制度 第八条): the department's custodian, filed with 办公室."""

    person = user_field("管理人")
    filed_with_office_on = models.DateField("报办公室备案日期", validators=[validate_happened])
    ended_on = models.DateField("卸任日期", null=True, blank=True, validators=[validate_plausible_date])
    note = models.CharField("备注", max_length=200, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "涉密文件管理人备案"
        verbose_name_plural = "涉密文件管理人备案"
        ordering = ["ended_on", "-filed_with_office_on", "pk"]

    def __str__(self):
        return f"{self.department} {display_name(self.person)}"

    def clean(self):
        if self.ended_on and self.filed_with_office_on and self.ended_on < self.filed_with_office_on:
            raise ValidationError({"ended_on": "卸任日期不能早于备案日期。"})


DocumentCustodianUserObjectPermission, DocumentCustodianGroupObjectPermission = object_permission_models(
    DocumentCustodian
)


class SecrecyPeriodReview(DetailUrlMixin, DepartmentScopedModel):
    """保密期限年度审查: a department reviews the periods of the documents it holds once a year."""

    class Result(models.TextChoices):
        UNCHANGED = "unchanged", "维持原密级和期限"
        CHANGED = "changed", "已变更密级或期限"
        DECLASSIFIED = "declassified", "已解密部分文件"

    year = models.PositiveSmallIntegerField("年度", validators=[validate_year])
    reviewed_on = models.DateField("审查日期", validators=[validate_happened])
    reviewed_by = user_field("审查人")
    result = models.CharField("审查结论", max_length=20, choices=Result.choices)
    declassified = models.ManyToManyField(
        ClassifiedDocument, verbose_name="本次解密的文件", blank=True, related_name="+"
    )
    note = models.TextField("说明", blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "保密期限审查"
        verbose_name_plural = "保密期限年度审查"
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="secrecy_period_review_one_per_year",
                violation_error_message="本部门该年度已登记保密期限审查。",
            )
        ]

    def __str__(self):
        return f"{self.department} {self.year}年度保密期限审查"


SecrecyPeriodReviewUserObjectPermission, SecrecyPeriodReviewGroupObjectPermission = object_permission_models(
    SecrecyPeriodReview
)


__all__ = [
    "ClassifiedDocument",
    "ClassifiedDocumentGroupObjectPermission",
    "ClassifiedDocumentUserObjectPermission",
    "DocumentCirculation",
    "DocumentCustodian",
    "DocumentCustodianGroupObjectPermission",
    "DocumentCustodianUserObjectPermission",
    "SecrecyPeriodReview",
    "SecrecyPeriodReviewGroupObjectPermission",
    "SecrecyPeriodReviewUserObjectPermission",
]
