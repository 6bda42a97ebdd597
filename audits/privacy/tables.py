import django_tables2 as tables
from django.utils.html import format_html_join

from szmz_security.core.tables import PersonColumn, RecordColumn

from .models import SENSITIVE, PersonalDataDestruction, PersonalDataInventory


class PersonalDataInventoryTable(tables.Table):
    dataset = tables.Column(verbose_name="数据集", linkify=True)
    categories = tables.Column(verbose_name="个人信息类别", orderable=False)

    class Meta:
        model = PersonalDataInventory
        fields = (
            "dataset",
            "system",
            "department",
            "subjects",
            "categories",
            "legal_basis",
            "retention_months",
            "last_reviewed_on",
        )

    def render_categories(self, record):
        labels = dict(zip(record.categories, record.category_labels(), strict=True))
        return format_html_join(
            " ",
            '<span class="badge text-bg-{}">{}</span>',
            (("danger" if code in SENSITIVE else "secondary", label) for code, label in labels.items()),
        )

    def value_categories(self, record):
        return "、".join(record.category_labels())


class PersonalDataDestructionTable(tables.Table):
    record = RecordColumn(verbose_name="销毁记录")
    performed_by = PersonColumn(verbose_name="执行人")
    witness = PersonColumn(verbose_name="监销人")

    class Meta:
        model = PersonalDataDestruction
        fields = ("record", "destroyed_on", "department", "method", "record_count", "performed_by", "witness")
