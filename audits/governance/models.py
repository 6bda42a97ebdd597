"""Governance records (chapters 2, 3, 5, 7, 8, 9), owned by the information centre
(AUDITS_REVIEW_DEPARTMENT). Rules live in ``services.py``."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import MAX_DAYS, validate_happened, validate_plausible_date, validate_year
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.models import Department, display_name
from szmz_security.org.permissions import object_permission_models


class OfficerAppointment(DetailUrlMixin, DepartmentScopedModel):
    """安全员任命 (2 §1): one full-time and three part-time officers must be current."""

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", "专职"
        PART_TIME = "part_time", "兼职"

    person = user_field("安全员")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.PART_TIME)
    phone = models.CharField("联系电话", max_length=40)
    appointed_on = models.DateField("任命日期", validators=[validate_happened])
    ended_on = models.DateField(
        "卸任日期", null=True, blank=True, db_index=True, validators=[validate_plausible_date]
    )
    note = models.CharField("备注", max_length=200, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全员任命"
        verbose_name_plural = "安全员名册"
        ordering = ["ended_on", "kind", "-appointed_on", "pk"]

    def __str__(self):
        return f"{display_name(self.person)}（{self.get_kind_display()}安全员）"

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.appointed_on <= today and (self.ended_on is None or self.ended_on >= today)


OfficerAppointmentUserObjectPermission, OfficerAppointmentGroupObjectPermission = object_permission_models(
    OfficerAppointment
)


class OnCallShift(DetailUrlMixin, DepartmentScopedModel):
    """24 小时值班 (3 §3): who answers, from which day to which day (inclusive)."""

    person = user_field("值班人")
    phone = models.CharField("值班电话", max_length=40)
    starts_on = models.DateField("开始日期", db_index=True, validators=[validate_plausible_date])
    ends_on = models.DateField("结束日期", db_index=True, validators=[validate_plausible_date])
    note = models.CharField("备注", max_length=200, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "24小时值班表"
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="oncall_shift_ordered",
                violation_error_message="结束日期不能早于开始日期。",
            )
        ]

    def __str__(self):
        return f"{self.starts_on:%Y-%m-%d}至{self.ends_on:%Y-%m-%d} {display_name(self.person)}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})


OnCallShiftUserObjectPermission, OnCallShiftGroupObjectPermission = object_permission_models(OnCallShift)


class SecurityScan(DetailUrlMixin, DepartmentScopedModel):
    """安全检测 (2 §6, 8 §2): a scan with its findings and their fixes."""

    scanned_on = models.DateField("检测日期", db_index=True, validators=[validate_happened])
    tool = models.CharField("检测工具", max_length=100)
    system = models.CharField("检测对象（系统/范围）", max_length=200)
    performed_by = user_field("检测人")
    summary = models.TextField("检测结果摘要", blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全检测"
        verbose_name_plural = "安全检测记录"
        ordering = ["-scanned_on", "-pk"]

    def __str__(self):
        return f"{self.scanned_on:%Y-%m-%d} {self.system}（{self.tool}）"


SecurityScanUserObjectPermission, SecurityScanGroupObjectPermission = object_permission_models(SecurityScan)


class ScanFinding(models.Model):
    """A vulnerability a scan found: its fix date is an Obligation of the owner; fixing meets it."""

    class Severity(models.TextChoices):
        HIGH = "high", "高危"
        MEDIUM = "medium", "中危"
        LOW = "low", "低危"

    scan = models.ForeignKey(SecurityScan, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField("风险等级", max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.TextField("漏洞描述")
    owner = user_field("整改责任人")
    fix_due = models.DateField("整改期限", validators=[validate_plausible_date])
    fixed_on = models.DateField("整改完成日期", null=True, blank=True, validators=[validate_happened])
    fix_note = models.TextField("整改情况", blank=True)
    obligation = models.OneToOneField(
        Obligation, verbose_name="对应义务", null=True, on_delete=models.PROTECT, related_name="scan_finding"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "检测发现"
        verbose_name_plural = "检测发现"
        ordering = ["fixed_on", "fix_due", "pk"]

    def __str__(self):
        return f"[{self.get_severity_display()}] {self.description[:40]}"

    @property
    def severity_badge(self):
        return {"high": "danger", "medium": "warning", "low": "info"}.get(self.severity, "secondary")


class PatchRecord(DetailUrlMixin, DepartmentScopedModel):
    """补丁升级记录 (2 §6, 8 §2)."""

    system = models.CharField("系统/设备", max_length=200)
    asset = optional_link("assets.Asset", "资产（台账）", on_delete=models.SET_NULL)
    patch_id = models.CharField("补丁/版本编号", max_length=100)
    applied_on = models.DateField("安装日期", db_index=True, validators=[validate_happened])
    applied_by = user_field("安装人")
    note = models.CharField("说明", max_length=300, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "补丁记录"
        verbose_name_plural = "补丁升级记录"
        ordering = ["-applied_on", "-pk"]

    def __str__(self):
        return f"{self.system} {self.patch_id}"


PatchRecordUserObjectPermission, PatchRecordGroupObjectPermission = object_permission_models(PatchRecord)


class LogSource(DetailUrlMixin, DepartmentScopedModel):
    """系统日志来源 (2 §5, 8 §1): where a system's logs are kept and for how long."""

    system = models.CharField("系统", max_length=200)
    location = models.CharField("存放位置", max_length=300)
    retention_days = models.PositiveIntegerField(
        "保存天数", validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    last_verified_on = models.DateField(
        "最近核查日期", null=True, blank=True, db_index=True, validators=[validate_happened]
    )
    verified_by = user_field("核查人", null=True)
    note = models.CharField("备注", max_length=300, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "日志来源"
        verbose_name_plural = "系统日志来源"
        ordering = ["system", "pk"]

    def __str__(self):
        return f"{self.system}（{self.location}）"


LogSourceUserObjectPermission, LogSourceGroupObjectPermission = object_permission_models(LogSource)


class TrainingSession(DetailUrlMixin, DepartmentScopedModel):
    """安全培训 (chapter 9) with its attendance."""

    title = models.CharField("培训主题", max_length=200)
    held_on = models.DateField("培训日期", db_index=True, validators=[validate_happened])
    trainer = models.CharField("授课人", max_length=100)
    audience = models.CharField("培训对象", max_length=200, help_text="如：全体安全员、新入职人员")
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(100)],
    )
    note = models.TextField("内容摘要", blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全培训"
        verbose_name_plural = "安全培训记录"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


TrainingSessionUserObjectPermission, TrainingSessionGroupObjectPermission = object_permission_models(
    TrainingSession
)


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    user = user_field("人员", on_delete=models.CASCADE, related_name="trainings")
    attended = models.BooleanField("已参加", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训签到"
        verbose_name_plural = "培训签到"
        ordering = ["user__username"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_once")]

    def __str__(self):
        return f"{self.session} — {self.user}"


class AccountReview(DetailUrlMixin, DepartmentScopedModel):
    """账号权限核对 (7 §2): after a staff change (离职/调岗), or the yearly check."""

    class Kind(models.TextChoices):
        DEACTIVATED = "deactivated", "人员离职/停用"
        JOINED = "joined", "调入部门"
        LEFT = "left", "调出部门"
        YEARLY = "yearly", "年度核对"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, db_index=True)
    subject = user_field("涉及人员", null=True)
    changed_department = optional_link(Department, "变动部门")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, validators=[validate_year])
    reason = models.CharField("事由", max_length=300)
    obligation = models.OneToOneField(
        Obligation,
        verbose_name="对应义务",
        null=True,
        on_delete=models.PROTECT,
        related_name="account_review",
    )
    accounts_disabled = models.TextField("已停用账号", blank=True)
    rights_changed = models.TextField("已调整权限（邮箱、系统权限等）", blank=True)
    note = models.TextField("核对说明", blank=True)
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    closed_by = user_field("处理人", null=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "账号权限核对"
        verbose_name_plural = "账号权限核对"
        ordering = ["closed_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(kind="yearly"), name="account_review_yearly_once"
            )
        ]

    def __str__(self):
        if self.kind == self.Kind.YEARLY:
            return f"{self.year}年度账号权限核对"
        return f"账号权限核对：{display_name(self.subject)}（{self.get_kind_display()}）"

    @property
    def closed(self):
        return self.closed_at is not None


AccountReviewUserObjectPermission, AccountReviewGroupObjectPermission = object_permission_models(
    AccountReview
)


class PrivilegedAccount(DetailUrlMixin, DepartmentScopedModel):
    """特权账号 (5 §4): superuser rights are approved; their passwords change periodically."""

    system = models.CharField("系统/设备", max_length=200)
    account_name = models.CharField("账号", max_length=100)
    holder = user_field("持有人")
    approved_by = user_field("审批人")
    approved_on = models.DateField("审批日期", validators=[validate_happened])
    password_interval_days = models.PositiveIntegerField(
        "密码更换周期（天）", default=90, validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    # The latest PasswordChange (or the approval date), kept by the service; with the interval it
    # gives the next change date, indexed so the list filters overdue accounts in SQL.
    password_changed_on = models.DateField("最近更换密码", editable=False, null=True)
    password_due_on = models.DateField("密码应更换日期", editable=False, null=True, db_index=True)
    active = models.BooleanField("在用", default=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "特权账号"
        verbose_name_plural = "特权账号登记"
        ordering = ["system", "account_name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "account_name"], name="privileged_account_once")
        ]

    def __str__(self):
        return f"{self.system} / {self.account_name}"

    def save(self, *args, **kwargs):
        base = self.password_changed_on or self.approved_on
        self.password_due_on = base + datetime.timedelta(days=self.password_interval_days) if base else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "password_due_on"}
        super().save(*args, **kwargs)

    def password_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.active and self.password_due_on is not None and self.password_due_on < today


PrivilegedAccountUserObjectPermission, PrivilegedAccountGroupObjectPermission = object_permission_models(
    PrivilegedAccount
)


class PasswordChange(models.Model):
    account = models.ForeignKey(PrivilegedAccount, on_delete=models.CASCADE, related_name="password_changes")
    changed_on = models.DateField("更换日期", db_index=True, validators=[validate_happened])
    changed_by = user_field("更换人")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "密码更换记录"
        verbose_name_plural = "密码更换记录"
        ordering = ["-changed_on", "-pk"]

    def __str__(self):
        return f"{self.account} {self.changed_on:%Y-%m-%d}"
