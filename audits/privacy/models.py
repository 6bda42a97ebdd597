"""The personal-information inventory (个人信息处理清单, 服务对象信息安全管理制度 and PIPL): which system
of a department holds which categories of 服务对象 personal information, on which legal basis, for
how long, and the records of its destruction. Rules live in ``services.py``."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from szmz_security.core.models import DetailUrlMixin, user_field
from szmz_security.core.validators import validate_happened
from szmz_security.org.access import DepartmentScopedModel
from szmz_security.org.permissions import object_permission_models


class Category(models.TextChoices):
    """Categories of personal information; the PIPL art. 28 sensitive ones are marked ``SENSITIVE``."""

    IDENTITY = "identity", "身份信息（姓名、证件号码）"
    CONTACT = "contact", "联系方式与住址"
    FAMILY = "family", "家庭成员与婚姻状况"
    INCOME = "income", "收入与财产状况"
    FINANCIAL = "financial", "金融账户"
    HEALTH = "health", "医疗健康（含残疾情况）"
    BIOMETRIC = "biometric", "生物识别（人脸、指纹）"
    SPECIFIC_IDENTITY = "specific_identity", "特定身份（如低保、特困身份）"
    RELIGION = "religion", "宗教信仰"
    LOCATION = "location", "行踪轨迹"
    MINOR = "minor", "不满十四周岁未成年人信息"


SENSITIVE = {
    Category.FINANCIAL,
    Category.HEALTH,
    Category.BIOMETRIC,
    Category.SPECIFIC_IDENTITY,
    Category.RELIGION,
    Category.LOCATION,
    Category.MINOR,
}


class LegalBasis(models.TextChoices):
    """PIPL art. 13 (1)–(7)."""

    CONSENT = "consent", "取得个人同意（第十三条第一项）"
    CONTRACT = "contract", "订立、履行合同所必需（第二项）"
    DUTY = "duty", "履行法定职责或者法定义务所必需（第三项）"
    EMERGENCY = "emergency", "应对突发公共卫生事件或紧急情况所必需（第四项）"
    NEWS = "news", "为公共利益实施新闻报道、舆论监督（第五项）"
    PUBLIC = "public", "处理已合法公开的个人信息（第六项）"
    LAW = "law", "法律、行政法规规定的其他情形（第七项）"


class PersonalDataInventory(DetailUrlMixin, DepartmentScopedModel):
    system = models.CharField("所在系统", max_length=200, help_text="保存这些信息的信息系统或纸质台账。")
    dataset = models.CharField("数据集名称", max_length=200)
    subjects = models.CharField(
        "服务对象类别", max_length=200, help_text="如 低保对象、特困人员、老年人、儿童、残疾人。"
    )
    categories = models.JSONField("个人信息类别", default=list)
    purpose = models.TextField("处理目的")
    legal_basis = models.CharField(
        "合法性基础", max_length=20, choices=LegalBasis.choices, default=LegalBasis.DUTY
    )
    consent_method = models.CharField(
        "同意方式", max_length=300, blank=True, help_text="以同意为基础时必填：如 申请表签字同意、线上勾选。"
    )
    necessity = models.TextField(
        "处理敏感个人信息的必要性", blank=True, help_text="含敏感个人信息时必填（个人信息保护法第二十八条）。"
    )
    retention_months = models.PositiveIntegerField(
        "保存期限（月）", null=True, blank=True, help_text="留空表示按档案或法定期限保存（须在备注中说明）。"
    )
    storage_location = models.CharField("存储位置", max_length=200)
    access_scope = models.CharField("可访问人员", max_length=300)
    security_measures = models.TextField("安全措施", blank=True)
    last_reviewed_on = models.DateField("最近年度核查", null=True, blank=True, editable=False)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "个人信息处理清单"
        verbose_name_plural = "个人信息处理清单"
        ordering = ["department", "system", "dataset", "pk"]

    def __str__(self):
        return f"{self.system}：{self.dataset}"

    @property
    def sensitive_categories(self):
        return [code for code in self.categories if code in SENSITIVE]

    def category_labels(self):
        labels = dict(Category.choices)
        return [labels.get(code, code) for code in self.categories]

    def clean(self):
        errors = {}
        unknown = [code for code in self.categories if code not in Category.values]
        if not self.categories:
            errors["categories"] = "请至少选择一类个人信息。"
        elif unknown:
            errors["categories"] = f"未知的个人信息类别：{'、'.join(unknown)}。"
        if self.sensitive_categories and not self.necessity.strip():
            errors["necessity"] = "含敏感个人信息（如金融账户、医疗健康、特定身份），须说明处理的必要性。"
        if self.legal_basis == LegalBasis.CONSENT and not self.consent_method.strip():
            errors["consent_method"] = "以个人同意为合法性基础的，须说明取得同意的方式。"
        if errors:
            raise ValidationError(errors)


PersonalDataInventoryUserObjectPermission, PersonalDataInventoryGroupObjectPermission = (
    object_permission_models(PersonalDataInventory)
)


class PersonalDataDestruction(DetailUrlMixin, DepartmentScopedModel):
    """A destruction (删除/销毁) of an inventory's records past their retention, with a witness."""

    class Method(models.TextChoices):
        DELETE = "delete", "安全删除（不可恢复）"
        SHRED = "shred", "纸质粉碎/物理销毁"
        ANONYMISE = "anonymise", "匿名化处理"

    inventory = models.ForeignKey(
        PersonalDataInventory, verbose_name="清单", on_delete=models.PROTECT, related_name="destructions"
    )
    destroyed_on = models.DateField("销毁日期", validators=[validate_happened])
    scope = models.CharField("销毁范围", max_length=300, help_text="如 2019年以前已注销低保对象的申请材料。")
    record_count = models.PositiveIntegerField("记录数")
    method = models.CharField("方式", max_length=12, choices=Method.choices, default=Method.DELETE)
    performed_by = user_field("执行人")
    witness = user_field("监销人")
    note = models.CharField("备注", max_length=300, blank=True)

    restricted_field = None
    history = HistoricalRecords()

    class Meta:
        verbose_name = "个人信息销毁记录"
        verbose_name_plural = "个人信息销毁记录"
        ordering = ["-destroyed_on", "-pk"]

    def __str__(self):
        return f"{self.destroyed_on:%Y-%m-%d} {self.inventory.dataset}（{self.record_count} 条）"

    def clean(self):
        if self.performed_by_id and self.performed_by_id == self.witness_id:
            raise ValidationError({"witness": "监销人不能与执行人为同一人。"})
        if self.inventory_id and self.department_id and self.inventory.department_id != self.department_id:
            raise ValidationError({"inventory": "销毁记录须属于清单所属部门。"})


PersonalDataDestructionUserObjectPermission, PersonalDataDestructionGroupObjectPermission = (
    object_permission_models(PersonalDataDestruction)
)
