"""The asset register (6 §2–3, 6 §6, 6 §11, 公务电脑使用管理制度) and its batch imports.
Rules that refuse a record live in ``clean()`` (forms, imports and the API all call it)."""

import uuid
from pathlib import Path

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from szmz_security.core.choices import CLASSIFIED_LEVELS, CLASSIFIED_ZONES, NetworkZone, Secrecy
from szmz_security.core.models import DetailUrlMixin, user_field
from szmz_security.core.validators import validate_happened
from szmz_security.jobs.models import Job, latest_job
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models


class Asset(DetailUrlMixin, DepartmentScopedModel):
    class Type(models.TextChoices):
        DESKTOP = "desktop", "台式机"
        LAPTOP = "laptop", "笔记本"
        SERVER = "server", "服务器"
        NETWORK = "network", "网络设备"
        SECURITY = "security", "安全设备"
        PRINTER = "printer", "打印/传真"
        STORAGE = "storage", "存储设备"
        SYSTEM = "system", "信息系统"

    class DataGrade(models.TextChoices):
        CORE = "core", "核心"
        IMPORTANT = "important", "重要"
        GENERAL = "general", "一般"

    class Status(models.TextChoices):
        IN_USE = "in_use", "在用"
        REPAIR = "repair", "维修"
        IDLE = "idle", "闲置"
        SCRAPPED = "scrapped", "报废"

    COMPUTER_TYPES = (Type.DESKTOP, Type.LAPTOP, Type.SERVER)
    # Types that sit on a network with an IP and MAC of their own (7 §1 registration).
    NETWORKED_TYPES = (
        Type.DESKTOP,
        Type.LAPTOP,
        Type.SERVER,
        Type.NETWORK,
        Type.SECURITY,
        Type.PRINTER,
        Type.STORAGE,
    )

    number = models.CharField("固定资产编号", max_length=50, unique=True)
    type = models.CharField("类型", max_length=15, choices=Type.choices)
    name = models.CharField("名称", max_length=200)
    model_number = models.CharField("型号", max_length=100, blank=True)
    serial = models.CharField("序列号", max_length=100, blank=True)
    custodian = user_field("责任人", null=True, related_name="custodied_assets")
    location = models.CharField("存放地点", max_length=200, blank=True)
    zone = models.CharField("网络区域", max_length=15, choices=NetworkZone.choices)
    secrecy = models.CharField("密级", max_length=15, choices=Secrecy.choices, default=Secrecy.NONE)
    data_grade = models.CharField(
        "数据级别", max_length=10, choices=DataGrade.choices, blank=True, help_text="仅信息系统填写。"
    )
    critical_infrastructure = models.BooleanField("关键信息基础设施", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.IN_USE, db_index=True
    )
    purchase_date = models.DateField("购置日期", null=True, blank=True, validators=[validate_happened])
    antivirus_product = models.CharField("防病毒软件", max_length=100, blank=True)
    antivirus_updated_on = models.DateField(
        "病毒库更新日期", null=True, blank=True, validators=[validate_happened]
    )
    wireless_removed = models.BooleanField(
        "已拆除无线模块", default=False, help_text="涉密计算机须拆除无线网卡、蓝牙等无线模块。"
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "资产"
        verbose_name_plural = "资产"
        ordering = ["number"]
        indexes = [
            models.Index(fields=["department", "number"], name="asset_department_number"),
            models.Index(fields=["type", "status"], name="asset_type_status"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def is_classified(self):
        return self.secrecy in CLASSIFIED_LEVELS

    def clean(self):
        super().clean()
        errors = {}
        if self.number:
            self.number = self.number.strip()
        if self.is_classified:
            if self.zone == NetworkZone.INTERNET:
                errors["zone"] = "涉密资产严禁接入互联网。"
            elif self.zone not in CLASSIFIED_ZONES:
                errors["zone"] = (
                    f"{self.get_secrecy_display()}资产只能用于涉密网或单机，不能用于{self.get_zone_display()}。"
                )
            if self.type in self.COMPUTER_TYPES and not self.wireless_removed:
                errors["wireless_removed"] = "涉密计算机必须拆除无线模块后方可登记。"
        if self.data_grade and self.type != self.Type.SYSTEM:
            errors["data_grade"] = "数据级别仅适用于信息系统。"
        if self.antivirus_updated_on and self.antivirus_updated_on > timezone.localdate():
            errors["antivirus_updated_on"] = "病毒库更新日期不能晚于今天。"
        if self.purchase_date and self.purchase_date > timezone.localdate():
            errors["purchase_date"] = "购置日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)


AssetUserObjectPermission, AssetGroupObjectPermission = object_permission_models(Asset)


def import_file_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:6]
    return f"assets/imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AssetImport(models.Model):
    """One uploaded CSV/XLSX file: validated whole, then written in one transaction or not at all.
    Run as a long job (DESIGN.md §9, ``jobs``), whose progress drives the progress bar."""

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "处理中"
        FAILED = "failed", "校验未通过"
        DONE = "done", "已导入"
        ERROR = "error", "处理出错"

    file = models.FileField("文件", upload_to=import_file_path)
    original_name = models.CharField("文件名", max_length=200)
    format = models.CharField("格式", max_length=5)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    # [{"line": 3, "field": "zone", "message": "…"}, …], the line as the user sees it in the file.
    errors = models.JSONField("错误", default=list, blank=True)
    created_by = user_field("导入人")
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    jobs = GenericRelation(Job, content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        verbose_name = "资产导入"
        verbose_name_plural = "资产导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("assets:asset_import", args=[self.pk])

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED, self.State.ERROR)

    @cached_property
    def job(self):
        return latest_job(self.jobs.all())

    @property
    def processed_rows(self):
        return self.total_rows if self.finished or self.job is None else self.job.done

    @property
    def progress_percent(self):
        return 100 if self.finished or self.job is None else self.job.percent
