"""Movements of a medium: the check-out (借用) with its approval chain, hand-out and return."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.choices import NetworkZone
from szmz_security.core.models import optional_link, user_field
from szmz_security.core.validators import validate_plausible_date
from szmz_security.obligations.models import Obligation

from ..ledger.models import SECRECY_OFFICE_LEVELS, Medium


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
    requester = user_field("申请人")
    purpose = models.CharField("用途", max_length=300)
    zone = models.CharField("使用网络", max_length=15, choices=NetworkZone.choices)
    expected_return_at = models.DateTimeField("预计归还时间", validators=[validate_plausible_date])
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.PENDING_HEAD, db_index=True
    )
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    head_approved_by = user_field("处室负责人", null=True)
    head_approved_at = models.DateTimeField("处室负责人批准时间", null=True, blank=True)
    head_comment = models.CharField("处室负责人意见", max_length=300, blank=True)
    secrecy_approved_by = user_field("保密办审批人", null=True)
    secrecy_approved_at = models.DateTimeField("保密办批准时间", null=True, blank=True)
    secrecy_comment = models.CharField("保密办意见", max_length=300, blank=True)
    rejected_by = user_field("驳回人", null=True)
    rejected_at = models.DateTimeField("驳回时间", null=True, blank=True)
    reject_reason = models.CharField("驳回理由", max_length=300, blank=True)
    handed_out_by = user_field("发放人", null=True)
    handed_out_at = models.DateTimeField("借出时间", null=True, blank=True)
    returned_at = models.DateTimeField("归还时间", null=True, blank=True)
    received_by = user_field("接收人", null=True)
    condition = models.CharField("归还状况", max_length=10, choices=Condition.choices, blank=True)
    return_note = models.CharField("归还说明", max_length=300, blank=True)
    obligation = optional_link(Obligation, "归还义务", related_name="media_checkout", one_to_one=True)

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
