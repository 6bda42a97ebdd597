"""The ledger of removable media (regulation chapter 6 §4–5, 保守国家秘密法): each medium with its
number, secrecy marking, network and custodian. The rules that hold for every save (forms, API,
services, admin) are in ``Medium.clean``/``rule_errors``, the number scheme and the destroyed-medium
guard in ``Medium.save``; state changes go through the sub-domains' services."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.choices import CLASSIFIED_ZONES, NetworkZone
from szmz_security.core.models import DetailUrlMixin, optional_link, user_field
from szmz_security.core.validators import validate_happened
from szmz_security.org.access import DepartmentScopedModel, grant, revoke
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


def format_number(type_code, year, seq):
    return settings.MEDIA_NUMBER_FORMAT.format(type=type_code, year=year, seq=seq)


def next_number(medium_type, year):
    """The next free number of the scheme for (type, year). The counter row is locked for the
    rest of the caller's transaction, so concurrent registrations queue instead of colliding; a
    number already taken by hand is skipped."""
    type_code = Medium.TYPE_CODES.get(medium_type, "X")
    with transaction.atomic():
        MediaNumberCounter.objects.get_or_create(type_code=type_code, year=year)
        counter = MediaNumberCounter.objects.select_for_update().get(type_code=type_code, year=year)
        while True:
            counter.last += 1
            number = format_number(type_code, year, counter.last)
            if not Medium.objects.filter(number=number).exists():
                break
        counter.save(update_fields=["last"])
    return number


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


class Medium(DetailUrlMixin, DepartmentScopedModel):
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
    custodian = user_field("保管人", null=True, related_name="custodied_media")
    status = models.CharField(
        "状态", max_length=15, choices=Status.choices, default=Status.IN_STOCK, db_index=True
    )
    registered_on = models.DateField("登记日期", default=timezone.localdate, validators=[validate_happened])
    note = models.TextField("备注", blank=True)
    restricted = models.BooleanField("知悉范围受限", default=False, editable=False)
    # Marked need-to-know by the security administrator (#21), on top of the classification.
    need_to_know_marked = models.BooleanField("经标记知悉范围受限", default=False, editable=False)
    incident = optional_link("incidents.Incident", "遗失事件", on_delete=models.SET_NULL, editable=False)
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
            self.number = next_number(self.type, (self.registered_on or timezone.localdate()).year)
        super().save(*args, **kwargs)
        old_custodian = previous["custodian_id"] if previous else None
        if old_custodian != self.custodian_id:
            self.sync_custodian_grant(old_custodian_id=old_custodian)

    def sync_custodian_grant(self, old_custodian_id=None):
        """The custodian always sees the medium (kept when it is classified: the custodian is one
        of its named people); a former custodian's grant is revoked."""
        if old_custodian_id and old_custodian_id != self.custodian_id:
            old = get_user_model().objects.filter(pk=old_custodian_id).first()
            if old is not None:
                revoke("view", old, self)
        if self.custodian_id:
            grant("view", self.custodian, self)

    def delete(self, *args, **kwargs):
        if self.pk and self.stored_status() == self.Status.DESTROYED:
            raise ValidationError(DESTROYED_MESSAGE)
        return super().delete(*args, **kwargs)


MediumUserObjectPermission, MediumGroupObjectPermission = object_permission_models(Medium)
