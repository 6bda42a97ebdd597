"""Asset import and export (django-import-export): CSV and XLSX with Chinese column headers.

``AssetResource`` names the columns and converts each cell both ways (choices by their Chinese
label or their code, 所属部门 by code or name, 责任人 by user name, 是/否, dates), so an export
imports again unchanged. An import is validated whole first (``validate``): every bad row is
reported with its line as the user sees it in the spreadsheet (header = line 1), the column and
the reason (``imports.py`` runs an import).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from import_export import fields, resources, widgets

from szmz_security.core.choices import NetworkZone, Secrecy
from szmz_security.org.models import Department

from .models import Asset

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
IMPORT_REASON_CREATE = "批量导入：新增"
IMPORT_REASON_UPDATE = "批量导入：更新"
JOB_KIND = "assets.import"
# SQLite allows 32,766 parameters per statement; stay well below any backend's limit.
LOOKUP_CHUNK = 900


# --- cells ----------------------------------------------------------------------------------------


def cell_text(value):
    """A cell as text: numbers typed into Excel (serials, asset numbers) without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ChoiceWidget(widgets.Widget):
    """A choice by its Chinese label (as exported) or its code; blank gives the field's default."""

    def __init__(self, choices, label, default=""):
        self.by_text = {}
        for code, text in choices:
            self.by_text[str(text)] = code
            self.by_text[str(code).lower()] = code
        self.labels = dict(choices)
        self.label = label
        self.default = default
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return self.default
        code = self.by_text.get(text, self.by_text.get(text.lower()))
        if code is None:
            options = "、".join(str(label) for label in self.labels.values())
            raise ValueError(f"“{text}”不是有效的{self.label}，可选：{options}。")
        return code

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, value or ""))


class YesNoWidget(widgets.Widget):
    TRUE = {"是", "y", "yes", "true", "1", "√", "有"}
    FALSE = {"否", "n", "no", "false", "0", "", "无"}

    def __init__(self, label):
        self.label = label
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"“{cell_text(value)}”无法识别，{self.label}请填写“是”或“否”。")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class DateWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")

    def __init__(self, label):
        self.label = label
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for fmt in self.FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"“{text}”不是有效的日期，{self.label}请按 2024-03-15 的格式填写。")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%Y-%m-%d") if value else ""


class LookupWidget(widgets.Widget):
    """A related row from a dictionary loaded once per file (no query per row)."""

    def __init__(self, label, render_attribute):
        self.label = label
        self.render_attribute = render_attribute
        self.lookup = {}
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        found = self.lookup.get(text)
        if found is None:
            raise ValueError(self.unknown(text))
        return found

    def unknown(self, text):
        return f"未找到{self.label}“{text}”。"

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.render_attribute, "") if value is not None else ""


class DepartmentWidget(LookupWidget):
    def __init__(self):
        super().__init__("部门", "name")

    def load(self):
        self.lookup = {}
        for department in Department.objects.all():
            self.lookup[department.code] = department
            self.lookup[department.name] = department

    def unknown(self, text):
        return f"未找到部门“{text}”（请填写部门代码或名称）。"


class UserWidget(LookupWidget):
    def __init__(self):
        super().__init__("责任人", "username")

    def load(self, usernames):
        users = get_user_model().objects.filter(is_active=True)
        self.lookup = {}
        names = sorted(usernames)
        for start in range(0, len(names), LOOKUP_CHUNK):
            for user in users.filter(username__in=names[start : start + LOOKUP_CHUNK]):
                self.lookup[user.username] = user

    def unknown(self, text):
        return f"未找到在职用户“{text}”（请填写责任人的登录名）。"


# --- the resource ---------------------------------------------------------------------------------

# The columns of a file, in their order (the API names the same fields).
FIELD_NAMES = (
    "number",
    "type",
    "name",
    "model_number",
    "serial",
    "department",
    "custodian",
    "location",
    "zone",
    "secrecy",
    "data_grade",
    "critical_infrastructure",
    "status",
    "purchase_date",
    "antivirus_product",
    "antivirus_updated_on",
    "wireless_removed",
)


def _field(attribute, column, widget):
    return fields.Field(attribute=attribute, column_name=column, widget=widget)


class AssetResource(resources.ModelResource):
    number = _field("number", "固定资产编号", TextWidget())
    type = _field("type", "类型", ChoiceWidget(Asset.Type.choices, "类型"))
    name = _field("name", "名称", TextWidget())
    model_number = _field("model_number", "型号", TextWidget())
    serial = _field("serial", "序列号", TextWidget())
    department = _field("department", "所属部门", DepartmentWidget())
    custodian = _field("custodian", "责任人", UserWidget())
    location = _field("location", "存放地点", TextWidget())
    zone = _field("zone", "网络区域", ChoiceWidget(NetworkZone.choices, "网络区域"))
    secrecy = _field("secrecy", "密级", ChoiceWidget(Secrecy.choices, "密级", default=Secrecy.NONE))
    data_grade = _field("data_grade", "数据级别", ChoiceWidget(Asset.DataGrade.choices, "数据级别"))
    critical_infrastructure = _field(
        "critical_infrastructure", "关键信息基础设施", YesNoWidget("关键信息基础设施")
    )
    status = _field("status", "状态", ChoiceWidget(Asset.Status.choices, "状态", default=Asset.Status.IN_USE))
    purchase_date = _field("purchase_date", "购置日期", DateWidget("购置日期"))
    antivirus_product = _field("antivirus_product", "防病毒软件", TextWidget())
    antivirus_updated_on = _field("antivirus_updated_on", "病毒库更新日期", DateWidget("病毒库更新日期"))
    wireless_removed = _field("wireless_removed", "已拆除无线模块", YesNoWidget("已拆除无线模块"))

    class Meta:
        model = Asset
        fields = FIELD_NAMES
        export_order = FIELD_NAMES
        import_id_fields = ("number",)


REQUIRED = ("number", "type", "name", "department", "zone")


def columns():
    resource = AssetResource()
    return [(name, resource.fields[name]) for name in FIELD_NAMES]


COLUMN_LABELS = {name: field.column_name for name, field in columns()}


# --- export ---------------------------------------------------------------------------------------


def export_dataset(queryset):
    """The assets as a tablib Dataset in the import format (one query: department and custodian
    selected)."""
    queryset = queryset.select_related("department", "custodian").order_by("number")
    return AssetResource().export(queryset=queryset)


def export_bytes(queryset, fmt):
    dataset = export_dataset(queryset)
    if fmt == "xlsx":
        return dataset.export("xlsx")
    # A BOM so that Excel opens the Chinese text correctly.
    return ("\ufeff" + dataset.export("csv")).encode("utf-8")
