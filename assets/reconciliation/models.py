"""The monthly IP/MAC reconciliation (7 §1): a run per zone and month, and its discrepancies."""

import uuid
from pathlib import Path

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from szmz_security.core.choices import NetworkZone
from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.jobs.models import Job, latest_job
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..network.models import IPAssignment
from ..register.models import Asset


def scan_file_path(instance, filename):
    suffix = Path(filename).suffix.lower()[:6]
    return f"assets/scans/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Reconciliation(DetailUrlMixin, DepartmentScopedModel):
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
    uploaded_by = user_field("上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    signed_off_by = user_field("签核人", null=True)
    signed_off_at = models.DateTimeField("签核时间", null=True, blank=True)
    sign_off_note = models.TextField("签核意见", blank=True)
    obligation = optional_link(Obligation, "对应义务", on_delete=models.SET_NULL)

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
    assignment = optional_link(IPAssignment, "登记的分配", on_delete=models.SET_NULL)
    asset = optional_link(Asset, "相关资产", on_delete=models.SET_NULL)
    resolution = models.CharField(
        "处理结果", max_length=12, choices=Resolution.choices, default=Resolution.OPEN, db_index=True
    )
    resolution_note = models.TextField("处理说明", blank=True)
    incident = optional_link("incidents.Incident", "安全事件", on_delete=models.SET_NULL)
    resolved_by = user_field("处理人", null=True, on_delete=models.SET_NULL)
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
