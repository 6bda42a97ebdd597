"""External repair and destruction of a medium or an asset (第六章第7条), and the register of the
vendors designated for classified equipment. Both requests share one approval: an officer or the
secrecy office, never the requester (``ApprovalRequest``)."""

import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened, validate_plausible_date
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..ledger.models import Medium


class VendorQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """The register is bureau-wide: every signed-in person may read it (to choose a vendor);
        changing it takes the global permission (officers, secrecy office)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if action == "view" or user.has_perm(f"media_control.{action}_vendor"):
            return self
        return self.none()


class Vendor(DetailUrlMixin, models.Model):
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


class ApprovalRequest(DetailUrlMixin, DepartmentScopedModel):
    """What a repair and a destruction request share: the item (a medium or an asset), who asked,
    and the decision (approved or rejected, by whom, when, with what comment)."""

    classified = models.BooleanField("涉密设备", default=False, editable=False)
    requested_by = user_field("申请人")
    approved_by = user_field("审批人", null=True)
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.CharField("审批意见", max_length=300, blank=True)
    restricted = models.BooleanField("知悉范围受限", default=False, editable=False)
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    # What is asked for (in messages) and who decides it.
    what = ""
    approve_permission = ""
    approved_reason = ""

    class Meta:
        abstract = True

    def __str__(self):
        if self.medium_id:
            item = f"介质 {self.medium.number}"
        elif self.asset_id:
            item = f"资产 {self.asset.number}"
        else:
            item = "—"
        return f"{self._meta.verbose_name} #{self.pk} {item}"

    @property
    def item(self):
        return self.medium if self.medium_id else self.asset


class RepairRequest(ApprovalRequest):
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

    medium = optional_link(Medium, "介质", related_name="repairs")
    asset = optional_link("assets.Asset", "资产", related_name="media_control_repairs")
    reason = models.TextField("送修原因")
    vendor = models.ForeignKey(
        Vendor, verbose_name="维修单位", on_delete=models.PROTECT, related_name="repairs"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.REQUESTED)
    data_handling = models.CharField(
        "数据处理", max_length=15, choices=DataHandling.choices, blank=True, help_text="涉密设备送修前必填。"
    )
    sent_at = models.DateTimeField("送修时间", null=True, blank=True)
    returned_at = models.DateTimeField("返回时间", null=True, blank=True)
    return_note = models.CharField("返回说明", max_length=300, blank=True)

    what = "外送维修"
    approve_permission = "media_control.approve_repairrequest"
    approved_reason = "批准外送维修"
    history = HistoricalRecords()

    class Meta:
        verbose_name = "外送维修"
        verbose_name_plural = "外送维修"
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_repairrequest", "审批外送维修")]


RepairRequestUserObjectPermission, RepairRequestGroupObjectPermission = object_permission_models(
    RepairRequest
)


def certificate_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:10]
    return f"media_control/certificates/{timezone.localdate():%Y}/{uuid.uuid4().hex}{suffix}"


class DestructionRequest(ApprovalRequest):
    """Destruction of a medium or an asset: requested, approved (officer or secrecy office, never
    the requester), done by a designated vendor before a witness, with the certificate kept.
    Afterwards the medium is 已销毁 and read-only."""

    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        COMPLETED = "completed", "已销毁"
        REJECTED = "rejected", "已驳回"

    medium = optional_link(Medium, "介质", related_name="destructions")
    asset = optional_link("assets.Asset", "资产", related_name="media_control_destructions")
    reason = models.TextField("销毁原因")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.REQUESTED)
    vendor = optional_link(Vendor, "销毁单位", related_name="destructions")
    witness = models.CharField("监销人", max_length=60, blank=True)
    destroyed_at = models.DateTimeField("销毁时间", null=True, blank=True, validators=[validate_happened])
    certificate = models.FileField("销毁证明", upload_to=certificate_path, blank=True)
    certificate_name = models.CharField("证明文件名", max_length=200, blank=True)
    completed_by = user_field("登记人", null=True)

    what = "销毁"
    approve_permission = "media_control.approve_destructionrequest"
    approved_reason = "批准销毁"
    history = HistoricalRecords()

    class Meta:
        verbose_name = "销毁申请"
        verbose_name_plural = "销毁申请"
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_destructionrequest", "审批销毁")]


DestructionRequestUserObjectPermission, DestructionRequestGroupObjectPermission = object_permission_models(
    DestructionRequest
)
