"""档案保密定级 (民政档案保密管理制度 第五、十、十一、十二条; 保守国家秘密法 第二十条 每年审核).
Rules live in ``services.py``."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, user_field
from szmz_security.core.validators import validate_happened
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models


class Grade(models.TextChoices):
    PUBLIC = "public", "公开"
    INTERNAL = "internal", "内部"
    SECRET = "secret", "秘密"
    CONFIDENTIAL = "confidential", "机密"
    TOP_SECRET = "top_secret", "绝密"


# 第十二条: 绝密和机密的档案应当报上级主管部门批准.
GRADES_NEEDING_APPROVAL = (Grade.CONFIDENTIAL, Grade.TOP_SECRET)


def default_review_years():
    return settings.SECRECY_ARCHIVE_REVIEW_YEARS


class ArchiveSeries(DetailUrlMixin, DepartmentScopedModel):
    """档案全宗/类目 with its 保密等级, the basis and who graded it, and the next re-evaluation
    (第十条 定期进行评估和确认), an obligation ``secrecy.archive_regrading``."""

    Grade = Grade

    code = models.CharField("全宗/类目号", max_length=50, unique=True)
    name = models.CharField("名称", max_length=200)
    grade = models.CharField("保密等级", max_length=15, choices=Grade.choices, db_index=True)
    basis = models.TextField("定级依据")
    superior_approval = models.CharField(
        "上级批准文号", max_length=100, blank=True, help_text="机密、绝密档案须报上级主管部门批准（第十二条）"
    )
    graded_on = models.DateField("定级日期", validators=[validate_happened])
    graded_by = user_field("定级人")
    review_period_years = models.PositiveSmallIntegerField(
        "复评周期（年）",
        default=default_review_years,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    next_review_on = models.DateField("下次复评日期", null=True, editable=False, db_index=True)
    regrading_obligation = models.OneToOneField(
        Obligation,
        verbose_name="复评义务",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="archive_series",
    )
    note = models.CharField("备注", max_length=300, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "档案保密定级"
        verbose_name_plural = "档案保密定级"
        ordering = ["code", "pk"]

    def __str__(self):
        return f"{self.code} {self.name}（{self.get_grade_display()}）"

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.next_review_on is not None and self.next_review_on < today


ArchiveSeriesUserObjectPermission, ArchiveSeriesGroupObjectPermission = object_permission_models(
    ArchiveSeries
)


class ArchiveGradeChange(models.Model):
    """A re-grading (重新评估定级): the grade before and after, why, by whom."""

    series = models.ForeignKey(ArchiveSeries, on_delete=models.CASCADE, related_name="grade_changes")
    previous_grade = models.CharField("原保密等级", max_length=15, choices=Grade.choices)
    new_grade = models.CharField("新保密等级", max_length=15, choices=Grade.choices)
    reason = models.TextField("调整/复评理由")
    graded_on = models.DateField("复评日期", validators=[validate_happened])
    graded_by = user_field("复评人")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "档案定级变更"
        verbose_name_plural = "档案定级变更"
        ordering = ["-graded_on", "-pk"]

    def __str__(self):
        return f"{self.series.code} {self.get_previous_grade_display()}→{self.get_new_grade_display()}"
