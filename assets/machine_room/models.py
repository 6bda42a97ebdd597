"""The machine room (chapter 5): the room, its access log, change log, backups and fire checks."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..register.models import Asset


class MachineRoom(DetailUrlMixin, DepartmentScopedModel):
    name = models.CharField("机房名称", max_length=100)
    location = models.CharField("位置", max_length=200)
    responsible = user_field("机房负责人")
    daily_backup_required = models.BooleanField("需每日备份记录", default=True)
    fire_check_required = models.BooleanField("需每月消防器材检查", default=True)
    active = models.BooleanField("启用", default=True)
    note = models.TextField("备注", blank=True)

    obligations = GenericRelation(Obligation, content_type_field="subject_type", object_id_field="subject_id")

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "机房"
        verbose_name_plural = "机房"
        ordering = ["name"]

    def __str__(self):
        return self.name


# What the room's list, form, API and admin show of it.
ROOM_FIELDS = (
    "name",
    "location",
    "department",
    "responsible",
    "daily_backup_required",
    "fire_check_required",
    "active",
)

MachineRoomUserObjectPermission, MachineRoomGroupObjectPermission = object_permission_models(MachineRoom)


class RoomAccess(models.Model):
    """An entry to the machine room (5 §2): recorded only with an approval."""

    room = models.ForeignKey(
        MachineRoom, verbose_name="机房", on_delete=models.PROTECT, related_name="accesses"
    )
    visitor = models.CharField("来访人", max_length=50)
    organisation = models.CharField("单位", max_length=100)
    purpose = models.CharField("事由", max_length=200)
    approved_by = user_field("批准人")
    approved_at = models.DateTimeField("批准时间")
    entered_at = models.DateTimeField("进入时间", validators=[validate_happened])
    left_at = models.DateTimeField("离开时间", null=True, blank=True, validators=[validate_happened])
    escort = models.CharField("陪同人", max_length=50, blank=True)
    recorded_by = user_field("登记人")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "机房出入登记"
        verbose_name_plural = "机房出入登记"
        ordering = ["-entered_at", "-pk"]

    def __str__(self):
        return f"{self.visitor}（{self.organisation}）"

    def clean(self):
        super().clean()
        errors = {}
        if self.approved_at and self.entered_at and self.approved_at > self.entered_at:
            errors["approved_at"] = "须先经批准方可进入机房：批准时间不能晚于进入时间。"
        if self.left_at and self.entered_at and self.left_at < self.entered_at:
            errors["left_at"] = "离开时间不能早于进入时间。"
        if self.entered_at and self.entered_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["entered_at"] = "进入时间不能晚于当前时间。"
        if errors:
            raise ValidationError(errors)


class RoomChange(models.Model):
    """A change to what runs in the room (5 §3, 5 §6): software, configuration, hardware."""

    class Kind(models.TextChoices):
        SOFTWARE = "software", "软件安装/变更"
        CONFIGURATION = "configuration", "配置变更"
        HARDWARE_ADDED = "hardware_added", "新增硬件"
        HARDWARE_REPLACED = "hardware_replaced", "更换硬件"

    room = models.ForeignKey(
        MachineRoom, verbose_name="机房", on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField("变更类别", max_length=20, choices=Kind.choices)
    description = models.TextField("变更内容")
    asset = optional_link(Asset, "涉及资产", on_delete=models.SET_NULL)
    approved_by = user_field("批准人")
    approved_at = models.DateTimeField("批准时间")
    performed_by = user_field("实施人")
    performed_at = models.DateTimeField("实施时间", validators=[validate_happened])

    history = HistoricalRecords()

    class Meta:
        verbose_name = "机房变更记录"
        verbose_name_plural = "机房变更记录"
        ordering = ["-performed_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.description[:30]}"

    def clean(self):
        super().clean()
        if self.approved_at and self.performed_at and self.approved_at > self.performed_at:
            raise ValidationError({"approved_at": "变更须先经批准：批准时间不能晚于实施时间。"})


class BackupRecord(models.Model):
    """The day's backup (5 §5); recording it meets that day's obligation."""

    room = models.ForeignKey(
        MachineRoom, verbose_name="机房", on_delete=models.PROTECT, related_name="backups"
    )
    date = models.DateField("备份日期", validators=[validate_happened])
    systems = models.CharField("备份对象", max_length=300)
    medium = models.CharField("备份介质/位置", max_length=200)
    succeeded = models.BooleanField("备份成功", default=True)
    note = models.TextField("说明", blank=True)
    performed_by = user_field("操作人")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    obligation = optional_link(Obligation, "对应义务", on_delete=models.SET_NULL)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "备份记录"
        verbose_name_plural = "备份记录"
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["room", "date"], name="backup_once_per_room_day")]

    def __str__(self):
        return f"{self.room} {self.date:%Y-%m-%d} 备份"


class FireCheck(models.Model):
    """The month's fire-extinguisher check (5 §7); recording it meets that month's obligation."""

    room = models.ForeignKey(
        MachineRoom, verbose_name="机房", on_delete=models.PROTECT, related_name="fire_checks"
    )
    month = models.DateField("检查月份", help_text="该月第一天")
    checked_on = models.DateField("检查日期", validators=[validate_happened])
    extinguishers_ok = models.BooleanField("灭火器压力、有效期正常", default=True)
    findings = models.TextField("发现的问题", blank=True)
    checked_by = user_field("检查人")
    obligation = optional_link(Obligation, "对应义务", on_delete=models.SET_NULL)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "消防器材检查"
        verbose_name_plural = "消防器材检查"
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["room", "month"], name="firecheck_once_per_room_month")
        ]

    def __str__(self):
        return f"{self.room} {self.month:%Y年%m月} 消防检查"

    def clean(self):
        super().clean()
        if not self.extinguishers_ok and not self.findings.strip():
            raise ValidationError({"findings": "器材不正常时请写明发现的问题。"})
        if self.checked_on and self.checked_on > timezone.localdate():
            raise ValidationError({"checked_on": "检查日期不能晚于今天。"})
