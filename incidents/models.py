"""Incident reports (regulation chapter 3, 2 §8, 7 §5) and what each one owes to regulators.

The deadlines themselves are Obligations (szmz_security/obligations) whose subject is the incident;
which reports an incident owes is decided by ``ReportingRule`` rows (data, editable by
administrators) in ``services.recompute_obligations``.
"""

import uuid
from pathlib import Path

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, user_field
from szmz_security.core.validators import MAX_PEOPLE, validate_happened
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from .categories import SUBCATEGORY_CHOICES, SUBCATEGORY_LABELS, Category, Grade, minimum_grade_for


class Incident(DetailUrlMixin, DepartmentScopedModel):
    class State(models.TextChoices):
        NEW = "new", "新报告"
        ACCEPTED = "accepted", "已受理"
        HANDLING = "handling", "处置中"
        RECOVERED = "recovered", "已恢复"
        CLOSED = "closed", "已结案"
        FALSE_ALARM = "false_alarm", "误报"

    OPEN_STATES = (State.NEW, State.ACCEPTED, State.HANDLING, State.RECOVERED)

    # --- what happened (the reporter) ------------------------------------------------------------
    title = models.CharField("标题", max_length=200)
    description = models.TextField("事件描述")
    discovered_at = models.DateTimeField("发现时间", db_index=True, validators=[validate_happened])
    occurred_at = models.DateTimeField("发生时间", null=True, blank=True, validators=[validate_happened])
    place = models.CharField("地点", max_length=200, blank=True)
    affected_assets = models.TextField(
        "涉及设备或系统", blank=True, help_text="资产编号、设备或信息系统名称，每行一个。"
    )
    affects_critical_infrastructure = models.BooleanField(
        "涉及关键信息基础设施",
        default=False,
        help_text="涉及关键信息基础设施的较大及以上事件须在1小时内报告。",
    )
    category = models.CharField("事件类型", max_length=30, choices=Category.choices, default=Category.OTHER)
    subcategory = models.CharField("事件子类", max_length=40, choices=SUBCATEGORY_CHOICES, blank=True)
    secret_leak = models.BooleanField("涉及泄密", default=False)
    personal_info_involved = models.BooleanField("涉及个人信息", default=False)
    personal_info_count = models.PositiveBigIntegerField(
        "涉及个人信息人数", null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    crime_suspected = models.BooleanField("涉嫌违法犯罪", default=False)
    network_disconnected = models.BooleanField("已断开网络", default=False)
    disconnected_at = models.DateTimeField("断网时间", null=True, blank=True, validators=[validate_happened])
    disconnected_by = models.CharField("断网操作人", max_length=50, blank=True)
    suggested_grade = models.PositiveSmallIntegerField(
        "建议等级", choices=Grade.choices, null=True, blank=True
    )

    # --- officers' assessment ---------------------------------------------------------------------
    grade = models.PositiveSmallIntegerField("事件等级", choices=Grade.choices, null=True, blank=True)
    state = models.CharField("状态", max_length=15, choices=State.choices, default=State.NEW, db_index=True)
    # The content of a report to a regulator (国家网络安全事件报告管理办法, 2025).
    affected_system = models.CharField("涉事系统", max_length=200, blank=True)
    impact = models.TextField("影响范围与危害", blank=True)
    measures_taken = models.TextField("已采取的措施", blank=True)
    likely_development = models.TextField("事态发展趋势", blank=True)
    cause = models.TextField("初步原因", blank=True)
    tracing_leads = models.TextField("溯源线索", blank=True)
    next_steps = models.TextField("下一步工作", blank=True)
    scene_preservation = models.TextField("现场保护情况", blank=True)

    # --- handling -------------------------------------------------------------------------------
    handling_ended_at = models.DateTimeField(
        "处置结束时间", null=True, blank=True, validators=[validate_happened]
    )
    false_alarm_reason = models.TextField("误报原因", blank=True)
    root_cause = models.TextField("根本原因", blank=True)
    lessons_learned = models.TextField("经验教训", blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    restricted = models.BooleanField("知悉范围受限", default=False, editable=False)
    # Marked need-to-know by the security administrator (#21), on top of what the record implies.
    need_to_know_marked = models.BooleanField("经标记知悉范围受限", default=False, editable=False)
    reported_by = user_field("报告人")
    created_at = models.DateTimeField("报告时间", default=timezone.now, db_index=True)

    obligations = GenericRelation(Obligation, content_type_field="subject_type", object_id_field="subject_id")

    audit_views = True
    # Need-to-know (#13): enough for escalations and inspections, nothing of what happened or who.
    restricted_public_fields = (
        "department",
        "category",
        "subcategory",
        "secret_leak",
        "affects_critical_infrastructure",
        "personal_info_involved",
        "crime_suspected",
        "network_disconnected",
        "state",
        "grade",
        "discovered_at",
        "created_at",
        "handling_ended_at",
        "closed_at",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ["-discovered_at", "-pk"]
        indexes = [models.Index(fields=["department", "state"], name="incident_department_state")]
        permissions = [("handle_incident", "处置安全事件（定级、状态变更、报送记录、整改措施）")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A secret leak is need-to-know from the moment it is filed (chapter 3 §5).
        if self.secret_leak or self.need_to_know_marked:
            self.restricted = True
        super().save(*args, **kwargs)

    def implied_restricted(self):
        """Need-to-know by what the record is, whatever the marking says (a secret leak)."""
        return self.secret_leak

    @property
    def minimum_grade(self):
        return minimum_grade_for(self.personal_info_count)

    @property
    def effective_grade(self):
        """The grade the deadlines follow: the officer's, else the reporter's suggestion, never
        below what the personal-information count forces. Erring high: a suggested 较大 starts
        the 4-hour clock until an officer grades the incident."""
        assessed = self.grade or self.suggested_grade or Grade.GENERAL
        return Grade(max(assessed, self.minimum_grade))

    def get_effective_grade_display(self):
        return self.effective_grade.label

    def get_subcategory_label(self):
        return SUBCATEGORY_LABELS.get(self.subcategory, "")

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES


IncidentUserObjectPermission, IncidentGroupObjectPermission = object_permission_models(Incident)


class ReportingRule(models.Model):
    """One report an incident may owe a regulator. An incident owes it when ANY of the rule's
    conditions hold; its deadline counts from the anchor. Editable in the admin; changes apply to
    incidents when they are next recomputed (filing, re-grading, re-classifying)."""

    class Anchor(models.TextChoices):
        DISCOVERED = "discovered", "自发现时起"
        HANDLING_ENDED = "handling_ended", "自处置结束时起"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    authority = models.CharField("报送对象", max_length=60)
    clause = models.CharField("依据条款", max_length=120)
    active = models.BooleanField("启用", default=True)
    # Conditions (any one is enough).
    on_categories = models.JSONField(
        "事件类型", default=list, blank=True, help_text="属于这些事件类型时须报告。"
    )
    on_crime_suspected = models.BooleanField("涉嫌违法犯罪时", default=False)
    on_secret_leak = models.BooleanField("涉及泄密时", default=False)
    on_personal_info = models.BooleanField("涉及个人信息时", default=False)
    min_grade = models.PositiveSmallIntegerField("等级达到", choices=Grade.choices, null=True, blank=True)
    # Deadline.
    anchor = models.CharField("起算点", max_length=20, choices=Anchor.choices, default=Anchor.DISCOVERED)
    deadline_hours = models.PositiveIntegerField("时限（小时）", validators=[MinValueValidator(1)])
    deadline_hours_cii = models.PositiveIntegerField(
        "涉及关键信息基础设施时的时限（小时）", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    notify_roles = models.JSONField("提醒角色", default=list, blank=True)
    escalate_roles = models.JSONField("逾期升级角色", default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报告规则"
        verbose_name_plural = "报告规则"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def kind(self):
        return f"incident.{self.code}"

    def applies_to(self, incident):
        if not self.active:
            return False
        if self.anchor == self.Anchor.HANDLING_ENDED and incident.handling_ended_at is None:
            return False
        return (
            (incident.category in self.on_categories)
            or (self.on_crime_suspected and incident.crime_suspected)
            or (self.on_secret_leak and incident.secret_leak)
            or (self.on_personal_info and incident.personal_info_involved)
            or (self.min_grade is not None and incident.effective_grade >= self.min_grade)
        )

    def due_at(self, incident):
        start = (
            incident.handling_ended_at
            if self.anchor == self.Anchor.HANDLING_ENDED
            else incident.discovered_at
        )
        hours = self.deadline_hours
        if incident.affects_critical_infrastructure and self.deadline_hours_cii:
            hours = min(hours, self.deadline_hours_cii)
        return start + timezone.timedelta(hours=hours)


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        FILED = "filed", "报告"
        STATE = "state", "状态变更"
        GRADE = "grade", "定级"
        OBLIGATION = "obligation", "报告义务"
        REPORT = "report", "报送记录"
        ATTACHMENT = "attachment", "附件"
        ACTION = "action", "整改措施"
        NOTE = "note", "处置记录"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField("时间", default=timezone.now)
    kind = models.CharField("类别", max_length=15, choices=Kind.choices)
    text = models.TextField("内容")
    user = user_field("记录人", null=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "处置时间线"
        verbose_name_plural = "处置时间线"
        ordering = ["at", "pk"]

    def __str__(self):
        return self.text[:50]


def evidence_path(instance, filename):
    # A random name: the original is kept in the row, never trusted as a path.
    suffix = Path(filename).suffix.lower()[:10]
    return f"incidents/{instance.incident_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=evidence_path)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100, blank=True)
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = user_field("上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "证据附件"
        verbose_name_plural = "证据附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("incidents:attachment", args=[self.incident_id, self.pk])


class RegulatorReport(models.Model):
    """A report sent to a regulator; recording it meets the obligation (late when after the deadline)."""

    class Channel(models.TextChoices):
        ONLINE = "online", "网上报送平台"
        PHONE = "phone", "电话"
        FAX = "fax", "传真"
        EMAIL = "email", "电子邮件"
        DOCUMENT = "document", "书面公文"
        IN_PERSON = "in_person", "当面报送"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    obligation = models.OneToOneField(
        Obligation, verbose_name="报告义务", on_delete=models.PROTECT, related_name="regulator_report"
    )
    sent_at = models.DateTimeField("报送时间", validators=[validate_happened])
    sent_by = user_field("报送人")
    channel = models.CharField("报送方式", max_length=15, choices=Channel.choices)
    receiving_body = models.CharField("接收单位", max_length=100)
    receiver = models.CharField("接收人", max_length=50, blank=True)
    reference_number = models.CharField("回执编号", max_length=100, blank=True)
    document = models.FileField("报告文件", upload_to="incidents/reports/%Y/")
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        ordering = ["sent_at"]

    def __str__(self):
        return f"{self.receiving_body} {timezone.localtime(self.sent_at):%Y-%m-%d %H:%M}"

    @property
    def late(self):
        return self.sent_at > self.obligation.due_at


class CorrectiveAction(models.Model):
    """An action required to close an incident; its due date is an Obligation of its owner."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="corrective_actions")
    description = models.CharField("整改措施", max_length=300)
    owner = user_field("责任人")
    due_at = models.DateTimeField("完成期限")
    obligation = models.OneToOneField(
        Obligation, verbose_name="对应义务", on_delete=models.PROTECT, related_name="corrective_action"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["due_at"]

    def __str__(self):
        return self.description
