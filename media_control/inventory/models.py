"""The annual inventory (清点) of a department's media, a line per medium."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened, validate_year
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models

from ..ledger.models import Medium


class Inventory(DetailUrlMixin, DepartmentScopedModel):
    """A department's annual inventory (清点) of its media; signing it meets the obligation."""

    class State(models.TextChoices):
        OPEN = "open", "清点中"
        SIGNED = "signed", "已签署"

    year = models.PositiveSmallIntegerField("年度", validators=[validate_year])
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    obligation = optional_link(Obligation, "清点义务", related_name="media_inventory", one_to_one=True)
    signed_by = user_field("签署人", null=True)
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
    checked_by = user_field("清点人", null=True)
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
