"""The asset register, the IP plan and MAC register, monthly reconciliation and the machine room.

Regulation chapters 5 (machine room), 6 §2–3, 6 §6, 6 §11 (equipment), 7 §1 (IP/MAC registration
and the monthly check) and the 公务电脑使用管理制度 (computers are registered fixed assets).
Rules that refuse a record live in ``clean()`` (forms, imports and the API all call it); what a
record must be checked against regularly (anti-virus age, unregistered MACs) is the compliance
list in ``services.compliance_problems``.
"""

import ipaddress
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from szmz_security.core.choices import CLASSIFIED_LEVELS, CLASSIFIED_ZONES, NetworkZone, Secrecy
from szmz_security.core.validators import validate_happened
from szmz_security.jobs.models import Job, latest_job
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import (
    DepartmentScopedModel,
)
from szmz_security.org.permissions import object_permission_models

from .network import normalise_ip, normalise_mac, parse_network


class Asset(DepartmentScopedModel):
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
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custodied_assets",
    )
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

    def get_absolute_url(self):
        return reverse("assets:asset", args=[self.pk])

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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
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


# --- IP plan and MAC register (7 §1) --------------------------------------------------------------


class Subnet(DepartmentScopedModel):
    name = models.CharField("名称", max_length=100)
    cidr = models.CharField("网段（CIDR）", max_length=50, help_text="如 10.20.1.0/24 或 2001:db8:1::/64")
    zone = models.CharField("网络区域", max_length=15, choices=NetworkZone.choices)
    vlan = models.PositiveSmallIntegerField(
        "VLAN", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4094)]
    )
    gateway = models.GenericIPAddressField("网关", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "网段"
        verbose_name_plural = "网段"
        ordering = ["zone", "cidr"]
        constraints = [models.UniqueConstraint(fields=["zone", "cidr"], name="subnet_unique_per_zone")]

    def __str__(self):
        return f"{self.cidr} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:subnet", args=[self.pk])

    @property
    def network(self):
        return ipaddress.ip_network(self.cidr)

    def clean(self):
        super().clean()
        errors = {}
        try:
            network = parse_network(self.cidr)
            self.cidr = str(network)
        except ValidationError as error:
            errors["cidr"] = error.messages
            network = None
        if network is not None and self.gateway:
            gateway = ipaddress.ip_address(self.gateway)
            if gateway.version != network.version or gateway not in network:
                errors["gateway"] = f"网关 {self.gateway} 不在网段 {network} 内。"
        if network is not None and self.zone:
            overlapping = [
                other.cidr
                for other in Subnet.objects.filter(zone=self.zone).exclude(pk=self.pk).only("cidr")
                if other.network.version == network.version and other.network.overlaps(network)
            ]
            if overlapping:
                errors["cidr"] = f"与本区域已有网段重叠：{'、'.join(overlapping[:5])}。"
        if errors:
            raise ValidationError(errors)


SubnetUserObjectPermission, SubnetGroupObjectPermission = object_permission_models(Subnet)


class MacAddress(DepartmentScopedModel):
    """The MAC register: every network interface of a networked computer, one asset per MAC.
    The department follows the asset's."""

    mac = models.CharField("MAC 地址", max_length=17, unique=True)
    asset = models.ForeignKey(Asset, verbose_name="资产", on_delete=models.PROTECT, related_name="macs")
    interface = models.CharField("网卡", max_length=50, blank=True, help_text="如 有线网卡、eth0")
    registered_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "MAC 地址"
        verbose_name_plural = "MAC 地址"
        ordering = ["mac"]

    def __str__(self):
        return self.mac.upper().replace(":", "-")

    def get_absolute_url(self):
        return self.asset.get_absolute_url()

    def clean(self):
        super().clean()
        try:
            self.mac = normalise_mac(self.mac)
        except ValidationError as error:
            raise ValidationError({"mac": error.messages}) from None
        if self.asset_id:
            self.department_id = self.asset.department_id
        other = MacAddress.objects.filter(mac=self.mac).exclude(pk=self.pk).select_related("asset").first()
        if other is not None:
            raise ValidationError({"mac": f"MAC {self} 已登记在资产 {other.asset.number} 上。"})


MacAddressUserObjectPermission, MacAddressGroupObjectPermission = object_permission_models(MacAddress)


class IPAssignment(DepartmentScopedModel):
    """One address given out in one zone, to a device (MAC) of an asset. The department and the
    subnet follow from the address: the subnet of the zone that contains it."""

    ip = models.GenericIPAddressField("IP 地址")
    zone = models.CharField("网络区域", max_length=15, choices=NetworkZone.choices)
    subnet = models.ForeignKey(
        Subnet, verbose_name="网段", on_delete=models.PROTECT, related_name="assignments"
    )
    mac = models.CharField("MAC 地址", max_length=17, blank=True)
    asset = models.ForeignKey(
        Asset,
        verbose_name="资产",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ip_assignments",
    )
    hostname = models.CharField("主机名", max_length=100, blank=True)
    assigned_at = models.DateTimeField("分配时间", default=timezone.now)
    note = models.CharField("备注", max_length=200, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "IP 分配"
        verbose_name_plural = "IP 分配"
        ordering = ["zone", "ip"]
        constraints = [models.UniqueConstraint(fields=["zone", "ip"], name="ip_unique_per_zone")]
        indexes = [models.Index(fields=["mac"], name="ipassignment_mac")]

    def __str__(self):
        return self.ip

    def get_absolute_url(self):
        return reverse("assets:ipassignment", args=[self.pk])

    @property
    def mac_display(self):
        return self.mac.upper().replace(":", "-")

    def clean(self):
        """Normalises the address and MAC, finds the subnet, and refuses an address outside every
        subnet of its zone or taken in the zone. MAC ownership is checked by the service, which
        registers the MAC to the asset."""
        super().clean()
        errors = {}
        try:
            self.ip = normalise_ip(self.ip)
        except ValidationError as error:
            errors["ip"] = error.messages
        if self.mac:
            try:
                self.mac = normalise_mac(self.mac)
            except ValidationError as error:
                errors["mac"] = error.messages
        if "ip" not in errors and self.zone:
            address = ipaddress.ip_address(self.ip)
            subnet = next(
                (
                    s
                    for s in Subnet.objects.filter(zone=self.zone)
                    if s.network.version == address.version and address in s.network
                ),
                None,
            )
            if subnet is None:
                errors["ip"] = f"{self.ip} 不在{NetworkZone(self.zone).label}的任何已登记网段内。"
            else:
                self.subnet = subnet
                self.department_id = subnet.department_id
                taken = IPAssignment.objects.filter(zone=self.zone, ip=self.ip).exclude(pk=self.pk)
                if taken.exists():
                    errors["ip"] = f"{self.ip} 在{NetworkZone(self.zone).label}中已分配。"
        if self.asset_id and self.asset.is_classified and self.zone not in CLASSIFIED_ZONES:
            errors["zone"] = "涉密资产不能分配非涉密网络的地址。"
        if errors:
            raise ValidationError(errors)


IPAssignmentUserObjectPermission, IPAssignmentGroupObjectPermission = object_permission_models(IPAssignment)


# --- Monthly reconciliation (7 §1) --------------------------------------------------------------


def scan_file_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:6]
    return f"assets/scans/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Reconciliation(DepartmentScopedModel):
    """One month's comparison of a network scan with the register, for one zone."""

    class State(models.TextChoices):
        PENDING = "pending", "比对中"
        OPEN = "open", "待处理"
        SIGNED_OFF = "signed_off", "已签核"
        ERROR = "error", "处理出错"

    class Source(models.TextChoices):
        ARP = "arp", "ARP 表"
        DHCP = "dhcp", "DHCP 租约"
        SWITCH = "switch", "交换机 MAC 表"
        OTHER = "other", "其他"

    month = models.DateField("核查月份", help_text="该月第一天")
    zone = models.CharField("网络区域", max_length=15, choices=NetworkZone.choices)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices, default=Source.ARP)
    scan_file = models.FileField("扫描文件", upload_to=scan_file_path, blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PENDING)
    total_rows = models.PositiveIntegerField("扫描记录数", default=0)
    error_message = models.TextField("错误", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField("签核时间", null=True, blank=True)
    sign_off_note = models.TextField("签核意见", blank=True)
    obligation = models.ForeignKey(
        Obligation,
        verbose_name="对应义务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The comparison's progress and heartbeat (DESIGN.md §9).
    jobs = GenericRelation(Job, content_type_field="subject_type", object_id_field="subject_id")

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "IP/MAC 核查"
        verbose_name_plural = "IP/MAC 核查"
        ordering = ["-month", "-uploaded_at"]
        permissions = [("sign_off_reconciliation", "签核 IP/MAC 月度核查")]

    def __str__(self):
        return f"{self.month:%Y年%m月} {self.get_zone_display()} IP/MAC 核查"

    def get_absolute_url(self):
        return reverse("assets:reconciliation", args=[self.pk])

    @cached_property
    def job(self):
        return latest_job(self.jobs.all())

    @property
    def processed_rows(self):
        return self.total_rows if self.state != self.State.PENDING or self.job is None else self.job.done

    @property
    def progress_percent(self):
        return 100 if self.state != self.State.PENDING or self.job is None else self.job.percent


ReconciliationUserObjectPermission, ReconciliationGroupObjectPermission = object_permission_models(
    Reconciliation
)


class ReconciliationItem(models.Model):
    """One discrepancy between the scan and the register, and how the officer resolved it."""

    class Kind(models.TextChoices):
        UNREGISTERED_MAC = "unregistered_mac", "未登记的 MAC"
        NOT_SEEN = "not_seen", "已登记设备未出现"
        IP_MISMATCH = "ip_mismatch", "MAC 使用了非分配的 IP"
        DUPLICATE_IP = "duplicate_ip", "一个 IP 对应多个 MAC"
        WRONG_SUBNET = "wrong_subnet", "设备不在所属网段或区域"

    class Resolution(models.TextChoices):
        OPEN = "open", "待处理"
        REGISTERED = "registered", "已登记"
        UPDATED = "updated", "已更新台账"
        EXPLAINED = "explained", "已说明"
        INCIDENT = "incident", "已转安全事件"

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("差异类型", max_length=20, choices=Kind.choices)
    ip = models.CharField("IP 地址", max_length=45, blank=True)
    mac = models.CharField("MAC 地址", max_length=17, blank=True)
    hostname = models.CharField("主机名", max_length=100, blank=True)
    seen_at = models.DateTimeField("发现时间", null=True, blank=True)
    detail = models.CharField("说明", max_length=300)
    assignment = models.ForeignKey(
        IPAssignment,
        verbose_name="登记的分配",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asset = models.ForeignKey(
        Asset, verbose_name="相关资产", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(
        "处理结果", max_length=12, choices=Resolution.choices, default=Resolution.OPEN, db_index=True
    )
    resolution_note = models.TextField("处理说明", blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name="安全事件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "核查差异"
        verbose_name_plural = "核查差异"
        ordering = ["kind", "ip", "pk"]
        indexes = [models.Index(fields=["reconciliation", "resolution"], name="recitem_run_resolution")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ip or self.mac}"

    @property
    def mac_display(self):
        return self.mac.upper().replace(":", "-")


# --- Machine room (chapter 5) -------------------------------------------------------------------


class MachineRoom(DepartmentScopedModel):
    name = models.CharField("机房名称", max_length=100)
    location = models.CharField("位置", max_length=200)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="机房负责人", on_delete=models.PROTECT, related_name="+"
    )
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

    def get_absolute_url(self):
        return reverse("assets:machineroom", args=[self.pk])


MachineRoomUserObjectPermission, MachineRoomGroupObjectPermission = object_permission_models(MachineRoom)


class RoomAccess(models.Model):
    """An entry to the machine room (5 §2): recorded only with an approval."""

    room = models.ForeignKey(
        MachineRoom, verbose_name="机房", on_delete=models.PROTECT, related_name="accesses"
    )
    visitor = models.CharField("来访人", max_length=50)
    organisation = models.CharField("单位", max_length=100)
    purpose = models.CharField("事由", max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("批准时间")
    entered_at = models.DateTimeField("进入时间", validators=[validate_happened])
    left_at = models.DateTimeField("离开时间", null=True, blank=True, validators=[validate_happened])
    escort = models.CharField("陪同人", max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

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
    asset = models.ForeignKey(
        Asset, verbose_name="涉及资产", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("批准时间")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="实施人", on_delete=models.PROTECT, related_name="+"
    )
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
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    obligation = models.ForeignKey(
        Obligation,
        verbose_name="对应义务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检查人", on_delete=models.PROTECT, related_name="+"
    )
    obligation = models.ForeignKey(
        Obligation,
        verbose_name="对应义务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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
