"""Removable media (regulation chapter 6 §4–5 and §7, 保密工作制度, 保守国家秘密法).

The ledger (``Medium``), its movements (``Checkout``: 借用/归还; ``RepairRequest``: 外送维修;
``DestructionRequest``: 销毁), the annual inventory (``Inventory``/``InventoryLine``: 清点) and the
register of vendors designated for classified equipment (``Vendor``). State changes go through
``media_control.services``; the rules that hold for every save (forms, API, services, admin) are
in ``Medium.clean`` and the destroyed-medium guard in ``Medium.save``.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.choices import CLASSIFIED_ZONES, NetworkZone
from szmz_security.core.validators import validate_happened, validate_plausible_date, validate_year
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import (
    DepartmentScopedModel,
)
from szmz_security.org.permissions import object_permission_models


class SecrecyLevel(models.TextChoices):
    """The level of a medium's most sensitive content: the two working levels and the three
    state-secret levels (保守国家秘密法 art. 13)."""

    PUBLIC = "public", "公开"
    INTERNAL = "internal", "内部"
    SECRET = "secret", "秘密"
    CONFIDENTIAL = "confidential", "机密"
    TOP_SECRET = "top_secret", "绝密"


CLASSIFIED_LEVELS = (SecrecyLevel.SECRET, SecrecyLevel.CONFIDENTIAL, SecrecyLevel.TOP_SECRET)
# 保守国家秘密法 art. 16: longest protection period of each level, in years.
MAX_PROTECTION_YEARS = {SecrecyLevel.SECRET: 10, SecrecyLevel.CONFIDENTIAL: 20, SecrecyLevel.TOP_SECRET: 30}
# Levels whose check-out the secrecy office (保密办) approves after the department head.
SECRECY_OFFICE_LEVELS = (SecrecyLevel.CONFIDENTIAL, SecrecyLevel.TOP_SECRET)

DESTROYED_MESSAGE = "该介质已销毁，记录只读，不能再作任何修改。"


def is_classified_level(level):
    return level in CLASSIFIED_LEVELS


def marking_for(level, years):
    """The secrecy marking (密级★期限), e.g. ``机密★10年``; a plain label below 秘密."""
    label = SecrecyLevel(level).label if level else ""
    if level in CLASSIFIED_LEVELS and years:
        return f"{label}★{years}年"
    return label


class MediaNumberCounter(models.Model):
    """The running number per (type code, year): taken with select_for_update, so two
    registrations at once never get the same number."""

    type_code = models.CharField(max_length=5)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "介质编号计数器"
        verbose_name_plural = "介质编号计数器"
        constraints = [models.UniqueConstraint(fields=["type_code", "year"], name="media_counter_unique")]

    def __str__(self):
        return f"{self.type_code}-{self.year}: {self.last}"


class Medium(DepartmentScopedModel):
    class Type(models.TextChoices):
        USB = "usb", "U盘"
        HARD_DISK = "hard_disk", "移动硬盘"
        OPTICAL = "optical", "光盘"
        CARD = "card", "存储卡"
        OTHER = "other", "其他"

    TYPE_CODES = {Type.USB: "U", Type.HARD_DISK: "HD", Type.OPTICAL: "CD", Type.CARD: "SD", Type.OTHER: "X"}

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", "在库"
        CHECKED_OUT = "checked_out", "借出"
        REPAIR = "repair", "维修中"
        LOST = "lost", "遗失"
        DESTROYED = "destroyed", "已销毁"

    # Media that still exist in the department (the inventory counts them).
    PRESENT_STATUSES = (Status.IN_STOCK, Status.CHECKED_OUT, Status.REPAIR)

    number = models.CharField(
        "编号", max_length=50, unique=True, blank=True, help_text="留空时按编号规则自动生成。"
    )
    type = models.CharField("类型", max_length=15, choices=Type.choices)
    brand = models.CharField("品牌", max_length=60, blank=True)
    model_number = models.CharField("型号", max_length=100, blank=True)
    serial = models.CharField("序列号", max_length=100, blank=True)
    capacity = models.CharField("容量", max_length=30, blank=True, help_text="如 64GB、1TB。")
    secrecy_level = models.CharField(
        "密级",
        max_length=15,
        choices=SecrecyLevel.choices,
        default=SecrecyLevel.INTERNAL,
        help_text="按所存最高密级信息确定。",
    )
    protection_years = models.PositiveSmallIntegerField(
        "保密期限（年）",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="涉密介质必填：绝密不超过30年，机密不超过20年，秘密不超过10年。",
    )
    zone = models.CharField(
        "使用网络",
        max_length=15,
        choices=NetworkZone.choices,
        help_text="介质只能在此网络使用，严禁交叉使用（第六章第4条）。",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保管人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custodied_media",
    )
    status = models.CharField(
        "状态", max_length=15, choices=Status.choices, default=Status.IN_STOCK, db_index=True
    )
    registered_on = models.DateField("登记日期", default=timezone.localdate, validators=[validate_happened])
    note = models.TextField("备注", blank=True)
    restricted = models.BooleanField("知悉范围受限", default=False, editable=False)
    # Marked need-to-know by the security administrator (#21), on top of the classification.
    need_to_know_marked = models.BooleanField("经标记知悉范围受限", default=False, editable=False)
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name="遗失事件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    audit_views = True
    # Need-to-know (#13): the medium's existence, level and dates; not who holds it or what it is.
    restricted_public_fields = (
        "department",
        "number",
        "type",
        "secrecy_level",
        "zone",
        "status",
        "registered_on",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "移动介质"
        verbose_name_plural = "移动介质"
        ordering = ["-registered_on", "-pk"]
        indexes = [
            models.Index(fields=["department", "status"], name="medium_department_status"),
            models.Index(
                fields=["department", "restricted", "-registered_on"], name="medium_department_list"
            ),
        ]

    def __str__(self):
        return self.number or "（未编号介质）"

    def get_absolute_url(self):
        return reverse("media_control:medium", args=[self.pk])

    # --- derived ---------------------------------------------------------------------------------

    @property
    def is_classified(self):
        return is_classified_level(self.secrecy_level)

    @property
    def marking(self):
        return marking_for(self.secrecy_level, self.protection_years)

    @property
    def type_code(self):
        return self.TYPE_CODES.get(self.type, "X")

    @property
    def is_destroyed(self):
        return self.status == self.Status.DESTROYED

    # --- rules ------------------------------------------------------------------------------------

    def rule_errors(self):
        """Every rule of the ledger, as {field: message} (empty when the medium is valid)."""
        errors = {}
        if self.is_classified:
            label = SecrecyLevel(self.secrecy_level).label
            if self.custodian_id is None:
                errors["custodian"] = f"{label}介质必须指定保管人（第六章第5条）。"
            maximum = MAX_PROTECTION_YEARS[self.secrecy_level]
            if not self.protection_years:
                errors["protection_years"] = f"{label}介质须填写保密期限（不超过{maximum}年）。"
            elif self.protection_years > maximum:
                errors["protection_years"] = (
                    f"{label}级保密期限最长{maximum}年，不能为{self.protection_years}年（保守国家秘密法）。"
                )
            if self.zone and self.zone not in CLASSIFIED_ZONES:
                errors["zone"] = (
                    f"{label}介质只能在涉密网或单机上使用，不能用于"
                    f"{NetworkZone(self.zone).label}（保守国家秘密法；第六章第6条）。"
                )
        elif self.protection_years:
            errors["protection_years"] = "非涉密介质无保密期限，请留空。"
        return errors

    def clean(self):
        super().clean()
        if self.pk and self.stored_status() == self.Status.DESTROYED:
            raise ValidationError(DESTROYED_MESSAGE)
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)

    def stored_status(self):
        return Medium.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def implied_restricted(self):
        """Need-to-know by what the medium is, whatever the marking says (classified)."""
        return self.is_classified

    def save(self, *args, **kwargs):
        previous = None
        if self.pk:
            previous = Medium.objects.filter(pk=self.pk).values("status", "custodian_id").first()
            if previous and previous["status"] == self.Status.DESTROYED:
                # The guard of last resort: forms, the API, services and the admin all end here.
                raise ValidationError(DESTROYED_MESSAGE)
        self.restricted = self.is_classified or self.need_to_know_marked
        if not self.number:
            from .services import next_number

            self.number = next_number(self.type, (self.registered_on or timezone.localdate()).year)
        super().save(*args, **kwargs)
        # The custodian always sees the medium (need-to-know for a classified one); a former
        # custodian loses the grant.
        old_custodian = previous["custodian_id"] if previous else None
        if old_custodian != self.custodian_id:
            from .services import sync_custodian_grant

            sync_custodian_grant(self, old_custodian_id=old_custodian)

    def delete(self, *args, **kwargs):
        if self.pk and self.stored_status() == self.Status.DESTROYED:
            raise ValidationError(DESTROYED_MESSAGE)
        return super().delete(*args, **kwargs)


MediumUserObjectPermission, MediumGroupObjectPermission = object_permission_models(Medium)


class Checkout(models.Model):
    """A check-out (借用) of a medium: requested, approved by the department head (and the
    secrecy office for 机密/绝密), handed out, returned. Reached through its medium's access rule."""

    class State(models.TextChoices):
        PENDING_HEAD = "pending_head", "待处室负责人审批"
        PENDING_SECRECY = "pending_secrecy", "待保密办审批"
        APPROVED = "approved", "已批准待领用"
        CHECKED_OUT = "checked_out", "已借出"
        RETURNED = "returned", "已归还"
        REJECTED = "rejected", "已驳回"
        LOST = "lost", "遗失"

    OPEN_STATES = (State.PENDING_HEAD, State.PENDING_SECRECY, State.APPROVED, State.CHECKED_OUT)
    PENDING_STATES = (State.PENDING_HEAD, State.PENDING_SECRECY)

    class Condition(models.TextChoices):
        INTACT = "intact", "完好"
        DAMAGED = "damaged", "损坏"
        MISSING = "missing", "缺失"

    medium = models.ForeignKey(
        Medium, verbose_name="介质", on_delete=models.PROTECT, related_name="checkouts"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField("用途", max_length=300)
    zone = models.CharField("使用网络", max_length=15, choices=NetworkZone.choices)
    expected_return_at = models.DateTimeField("预计归还时间", validators=[validate_plausible_date])
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.PENDING_HEAD, db_index=True
    )
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处室负责人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_approved_at = models.DateTimeField("处室负责人批准时间", null=True, blank=True)
    head_comment = models.CharField("处室负责人意见", max_length=300, blank=True)
    secrecy_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保密办审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    secrecy_approved_at = models.DateTimeField("保密办批准时间", null=True, blank=True)
    secrecy_comment = models.CharField("保密办意见", max_length=300, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="驳回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField("驳回时间", null=True, blank=True)
    reject_reason = models.CharField("驳回理由", max_length=300, blank=True)
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_out_at = models.DateTimeField("借出时间", null=True, blank=True)
    returned_at = models.DateTimeField("归还时间", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    condition = models.CharField("归还状况", max_length=10, choices=Condition.choices, blank=True)
    return_note = models.CharField("归还说明", max_length=300, blank=True)
    obligation = models.OneToOneField(
        Obligation,
        verbose_name="归还义务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_checkout",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "介质借用"
        verbose_name_plural = "介质借用"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.medium.number} 借用申请 #{self.pk}"

    def get_absolute_url(self):
        return reverse("media_control:medium", args=[self.medium_id]) + f"#checkout-{self.pk}"

    @property
    def needs_secrecy_office(self):
        return self.medium.secrecy_level in SECRECY_OFFICE_LEVELS

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    def is_overdue(self, now=None):
        return self.state == self.State.CHECKED_OUT and self.expected_return_at <= (now or timezone.now())


class Inventory(DepartmentScopedModel):
    """A department's annual inventory (清点) of its media; signing it meets the obligation."""

    class State(models.TextChoices):
        OPEN = "open", "清点中"
        SIGNED = "signed", "已签署"

    year = models.PositiveSmallIntegerField("年度", validators=[validate_year])
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    obligation = models.OneToOneField(
        Obligation,
        verbose_name="清点义务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_inventory",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签署人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    note = models.TextField("清点说明", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "介质清点"
        verbose_name_plural = "介质清点"
        ordering = ["-year", "department__sort_order", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="media_inventory_one_per_year")
        ]

    def __str__(self):
        return f"{self.year}年度 {self.department} 介质清点"

    def get_absolute_url(self):
        return reverse("media_control:inventory", args=[self.pk])

    @property
    def is_signed(self):
        return self.state == self.State.SIGNED


InventoryUserObjectPermission, InventoryGroupObjectPermission = object_permission_models(Inventory)


class InventoryLine(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", "待清点"
        PRESENT = "present", "在位"
        LOST = "lost", "遗失"

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="lines")
    medium = models.ForeignKey(
        Medium, verbose_name="介质", on_delete=models.PROTECT, related_name="inventory_lines"
    )
    result = models.CharField("清点结果", max_length=10, choices=Result.choices, default=Result.PENDING)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="清点人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField("清点时间", null=True, blank=True, validators=[validate_happened])
    note = models.CharField("说明", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "清点明细"
        verbose_name_plural = "清点明细"
        ordering = ["medium__number"]
        constraints = [
            models.UniqueConstraint(fields=["inventory", "medium"], name="media_inventory_line_unique")
        ]

    def __str__(self):
        return f"{self.inventory} · {self.medium_id}"


class VendorQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """The register is bureau-wide: every signed-in person may read it (to choose a vendor);
        changing it takes the global permission (officers, secrecy office)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if action == "view" or user.has_perm(f"media_control.{action}_vendor"):
            return self
        return self.none()


class Vendor(models.Model):
    """A repair or destruction company; designated ones (定点单位) may take classified equipment
    while their designation is valid (第六章第7条)."""

    name = models.CharField("单位名称", max_length=200, unique=True)
    designated = models.BooleanField(
        "涉密定点单位", default=False, help_text="经保密行政管理部门审查，可承接涉密设备维修、销毁。"
    )
    designation_number = models.CharField("定点资质编号", max_length=100, blank=True)
    designation_expires_on = models.DateField(
        "资质有效期至", null=True, blank=True, validators=[validate_plausible_date]
    )
    services = models.CharField(
        "服务范围", max_length=200, blank=True, help_text="如：维修、数据恢复、销毁。"
    )
    contact = models.CharField("联系人", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=60, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)

    objects = VendorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务单位"
        verbose_name_plural = "服务单位"
        ordering = ["-designated", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("media_control:vendor", args=[self.pk])

    def designation_valid(self, on=None):
        on = on or timezone.localdate()
        return bool(
            self.designated
            and self.designation_number
            and self.designation_expires_on
            and self.designation_expires_on >= on
        )

    def clean(self):
        super().clean()
        if self.designated:
            errors = {}
            if not self.designation_number:
                errors["designation_number"] = "涉密定点单位须填写定点资质编号。"
            if not self.designation_expires_on:
                errors["designation_expires_on"] = "涉密定点单位须填写资质有效期。"
            if errors:
                raise ValidationError(errors)


def item_label(request):
    if request.medium_id:
        return f"介质 {request.medium.number}"
    if request.asset_id:
        return f"资产 {request.asset.number}"
    return "—"


class RepairRequest(DepartmentScopedModel):
    """External repair of a medium or an asset (第六章第7条): approved by an officer; classified
    equipment only to a valid designated vendor, with its data removed or storage kept back."""

    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        SENT = "sent", "已送修"
        RETURNED = "returned", "已返回"
        REJECTED = "rejected", "已驳回"

    class DataHandling(models.TextChoices):
        WIPED = "wiped", "数据已清除"
        STORAGE_KEPT = "storage_kept", "存储部件已留存"

    medium = models.ForeignKey(
        Medium, verbose_name="介质", null=True, blank=True, on_delete=models.PROTECT, related_name="repairs"
    )
    asset = models.ForeignKey(
        "assets.Asset",
        verbose_name="资产",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_control_repairs",
    )
    classified = models.BooleanField("涉密设备", default=False, editable=False)
    reason = models.TextField("送修原因")
    vendor = models.ForeignKey(
        Vendor, verbose_name="维修单位", on_delete=models.PROTECT, related_name="repairs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.REQUESTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.CharField("审批意见", max_length=300, blank=True)
    data_handling = models.CharField(
        "数据处理", max_length=15, choices=DataHandling.choices, blank=True, help_text="涉密设备送修前必填。"
    )
    sent_at = models.DateTimeField("送修时间", null=True, blank=True)
    returned_at = models.DateTimeField("返回时间", null=True, blank=True)
    return_note = models.CharField("返回说明", max_length=300, blank=True)
    restricted = models.BooleanField("知悉范围受限", default=False, editable=False)
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "外送维修"
        verbose_name_plural = "外送维修"
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_repairrequest", "审批外送维修")]

    def __str__(self):
        return f"外送维修 #{self.pk} {item_label(self)}"

    def get_absolute_url(self):
        return reverse("media_control:repairrequest", args=[self.pk])

    @property
    def item(self):
        return self.medium if self.medium_id else self.asset


RepairRequestUserObjectPermission, RepairRequestGroupObjectPermission = object_permission_models(
    RepairRequest
)


def certificate_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:10]
    return f"media_control/certificates/{timezone.localdate():%Y}/{uuid.uuid4().hex}{suffix}"


class DestructionRequest(DepartmentScopedModel):
    """Destruction of a medium or an asset: requested, approved (officer or secrecy office, never
    the requester), done by a designated vendor before a witness, with the certificate kept.
    Afterwards the medium is 已销毁 and read-only."""

    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        COMPLETED = "completed", "已销毁"
        REJECTED = "rejected", "已驳回"

    medium = models.ForeignKey(
        Medium,
        verbose_name="介质",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="destructions",
    )
    asset = models.ForeignKey(
        "assets.Asset",
        verbose_name="资产",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_control_destructions",
    )
    classified = models.BooleanField("涉密设备", default=False, editable=False)
    reason = models.TextField("销毁原因")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.REQUESTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.CharField("审批意见", max_length=300, blank=True)
    vendor = models.ForeignKey(
        Vendor,
        verbose_name="销毁单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="destructions",
    )
    witness = models.CharField("监销人", max_length=60, blank=True)
    destroyed_at = models.DateTimeField("销毁时间", null=True, blank=True, validators=[validate_happened])
    certificate = models.FileField("销毁证明", upload_to=certificate_path, blank=True)
    certificate_name = models.CharField("证明文件名", max_length=200, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    restricted = models.BooleanField("知悉范围受限", default=False, editable=False)
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "销毁申请"
        verbose_name_plural = "销毁申请"
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_destructionrequest", "审批销毁")]

    def __str__(self):
        return f"销毁申请 #{self.pk} {item_label(self)}"

    def get_absolute_url(self):
        return reverse("media_control:destructionrequest", args=[self.pk])

    @property
    def item(self):
        return self.medium if self.medium_id else self.asset


DestructionRequestUserObjectPermission, DestructionRequestGroupObjectPermission = object_permission_models(
    DestructionRequest
)
