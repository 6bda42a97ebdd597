"""外包服务 (issue #15): service contracts with a vendor of the register, the vendor staff who
reach our systems under them, and the yearly review of each active contract. Rules live in
``services.py``."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from media_control.models import Vendor
from szmz_security.core.models import DetailUrlMixin, user_field
from szmz_security.core.validators import validate_happened, validate_plausible_date
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models


class ServiceContract(DetailUrlMixin, DepartmentScopedModel):
    """外包服务合同: activated only once the security/confidentiality agreement is signed."""

    class Scope(models.TextChoices):
        OPERATIONS = "operations", "运维服务"
        DEVELOPMENT = "development", "软件开发"
        SECURITY = "security", "安全服务"
        HOSTING = "hosting", "托管/云服务"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        DRAFT = "draft", "草拟"
        ACTIVE = "active", "生效"
        EXPIRED = "expired", "到期"
        TERMINATED = "terminated", "终止"

    vendor = models.ForeignKey(Vendor, verbose_name="服务单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("合同名称", max_length=200)
    scope = models.CharField("服务类型", max_length=20, choices=Scope.choices, default=Scope.OPERATIONS)
    systems = models.TextField("涉及系统", help_text="合同涉及的信息系统、机房或设备。")
    starts_on = models.DateField("开始日期", validators=[validate_plausible_date])
    ends_on = models.DateField("结束日期", db_index=True, validators=[validate_plausible_date])
    agreement_signed_on = models.DateField(
        "保密/安全协议签订日期",
        null=True,
        blank=True,
        validators=[validate_happened],
        help_text="签订保密（安全）协议后合同方可生效。",
    )
    contact = models.CharField("服务商联系人", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    ended_on = models.DateField("实际结束日期", null=True, blank=True, editable=False)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "外包服务合同"
        verbose_name_plural = "外包服务合同"
        ordering = ["status", "ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="service_contract_ordered",
                violation_error_message="结束日期不能早于开始日期。",
            )
        ]

    def __str__(self):
        return f"{self.title}（{self.vendor}）"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})


ServiceContractUserObjectPermission, ServiceContractGroupObjectPermission = object_permission_models(
    ServiceContract
)


def mask_identifier(value):
    """Show the last four characters of an ID or staff number on list pages."""
    value = value or ""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


class VendorStaffAccess(DetailUrlMixin, DepartmentScopedModel):
    """外包人员及其权限: the department is the contract's (set on save)."""

    contract = models.ForeignKey(
        ServiceContract, verbose_name="外包合同", on_delete=models.PROTECT, related_name="staff"
    )
    name = models.CharField("姓名", max_length=60)
    identifier = models.CharField("身份证号/工号", max_length=40)
    role = models.CharField("岗位/角色", max_length=100)
    access_scope = models.TextField("可访问范围", help_text="可访问的系统、机房、账号。")
    access_granted_on = models.DateField("授权日期", validators=[validate_happened])
    access_revoked_on = models.DateField(
        "撤销日期", null=True, blank=True, db_index=True, validators=[validate_plausible_date]
    )
    commitment_signed_on = models.DateField("保密承诺书签订日期", validators=[validate_happened])

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "外包人员权限"
        verbose_name_plural = "外包人员及权限"
        ordering = ["access_revoked_on", "name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.role}）"

    @property
    def masked_identifier(self):
        return mask_identifier(self.identifier)

    @property
    def active(self):
        return self.access_revoked_on is None

    def clean(self):
        if (
            self.access_revoked_on
            and self.access_granted_on
            and self.access_revoked_on < self.access_granted_on
        ):
            raise ValidationError({"access_revoked_on": "撤销日期不能早于授权日期。"})

    def save(self, *args, **kwargs):
        if self.contract_id is not None:
            self.department_id = self.contract.department_id
        super().save(*args, **kwargs)


VendorStaffAccessUserObjectPermission, VendorStaffAccessGroupObjectPermission = object_permission_models(
    VendorStaffAccess
)


class OutsourcingReview(DetailUrlMixin, DepartmentScopedModel):
    """外包服务年度审查: meets the contract's yearly obligation (audits.outsourcing_review)."""

    contract = models.ForeignKey(
        ServiceContract, verbose_name="外包合同", on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField("审查日期", db_index=True, validators=[validate_happened])
    reviewer = user_field("审查人")
    conclusion = models.TextField("审查结论")
    issues = models.TextField("发现问题", blank=True)
    obligation = models.OneToOneField(
        Obligation,
        verbose_name="对应义务",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="outsourcing_review",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "外包服务年度审查"
        verbose_name_plural = "外包服务年度审查"
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.reviewed_on:%Y-%m-%d} {self.contract.title}年度审查"

    def save(self, *args, **kwargs):
        if self.contract_id is not None:
            self.department_id = self.contract.department_id
        super().save(*args, **kwargs)


OutsourcingReviewUserObjectPermission, OutsourcingReviewGroupObjectPermission = object_permission_models(
    OutsourcingReview
)
