"""A batch import of the register (DESIGN.md §8–9): the file is validated whole first
(``validate``); nothing is written unless every row is good, and then everything is written in one
transaction with ``bulk_create_with_history`` / ``bulk_update_with_history`` (``write``). Large
files run as a long job (kind ``assets.import``, ``run_import``), whose progress drives the
progress bar. Columns and cells are ``resources.py``'s."""

import io
import logging
from collections import defaultdict
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from szmz_security.core.uploads import check_upload
from szmz_security.jobs import services as jobs
from szmz_security.org.access import creatable_departments

from .models import Asset, AssetImport
from .resources import (
    COLUMN_LABELS,
    FIELD_NAMES,
    FORMATS,
    IMPORT_REASON_CREATE,
    IMPORT_REASON_UPDATE,
    JOB_KIND,
    LOOKUP_CHUNK,
    REQUIRED,
    cell_text,
    columns,
)
from .services import register_setting

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 250
MAX_STORED_ERRORS = 5000


# --- reading a file -------------------------------------------------------------------------------


class FileRefused(Exception):
    """The file as a whole cannot be read (type, encoding, header, size)."""


def file_format(name):
    fmt = FORMATS.get(Path(name or "").suffix.lower())
    if fmt is None:
        raise FileRefused("只接受 CSV（.csv）或 Excel（.xlsx）文件。")
    return fmt


def load_dataset(content, fmt):
    """The rows of a CSV or XLSX file (bytes) as a Dataset whose headers are the file's own."""
    if fmt == "csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileRefused("无法识别文件编码，请以 UTF-8 或 GBK 编码保存 CSV 文件。")
        if not text.strip():
            raise FileRefused("文件是空的。")
        try:
            return tablib.Dataset().load(text, format="csv")
        except Exception as error:  # noqa: BLE001 - tablib raises several kinds for a broken file
            raise FileRefused(f"无法读取 CSV 文件：{error}") from error
    try:
        return tablib.Dataset().load(io.BytesIO(content), format="xlsx")
    except Exception as error:  # noqa: BLE001 - openpyxl raises several kinds for a broken file
        raise FileRefused("无法读取 Excel 文件，请确认是 .xlsx 格式（不支持旧的 .xls）。") from error


def header_map(dataset):
    """{field name: column index} for the file's headers; FileRefused naming missing columns."""
    by_label = {label: name for name, label in COLUMN_LABELS.items()}
    mapping = {}
    for index, header in enumerate(dataset.headers or []):
        name = by_label.get(cell_text(header))
        if name is not None and name not in mapping:
            mapping[name] = index
    missing = [COLUMN_LABELS[name] for name in REQUIRED if name not in mapping]
    if missing:
        raise FileRefused(
            "第 1 行（表头）缺少必填列：" + "、".join(missing) + "。请使用导出的文件或下载的模板。"
        )
    return mapping


def data_rows(dataset):
    """(line, row) for every non-empty row; line as in the spreadsheet (header = line 1)."""
    for index, row in enumerate(dataset):
        if any(cell_text(value) for value in row):
            yield index + 2, row


def check_size(dataset):
    limit = int(register_setting("ASSET_IMPORT_MAX_ROWS"))
    rows = sum(1 for _ in data_rows(dataset))
    if rows == 0:
        raise FileRefused("文件中没有数据行。")
    if rows > limit:
        raise FileRefused(f"文件有 {rows:,} 行数据，超过单次导入上限 {limit:,} 行，请拆分后分批导入。")
    return rows


# --- validation and writing -----------------------------------------------------------------------


class Validation:
    def __init__(self):
        self.to_create = []
        self.to_update = []
        self.errors = []
        self.error_count = 0
        self.unchanged = 0

    def error(self, line, field, message):
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            label = COLUMN_LABELS.get(field, "") if field else ""
            self.errors.append({"line": line, "field": label, "message": message})

    @property
    def ok(self):
        return self.error_count == 0


def _chunks(values, size=LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


ATTNAMES = [Asset._meta.get_field(name).attname for name in FIELD_NAMES]


def snapshot(asset):
    return [getattr(asset, attname) for attname in ATTNAMES]


def validate(dataset, user, progress=None):
    """Every row checked, nothing written: a ``Validation`` with the assets to create and to
    update (rows identical to the stored asset are left alone and counted as unchanged), or the
    errors (line, column, reason)."""
    result = Validation()
    mapping = header_map(dataset)
    resource_fields = dict(columns())
    resource_fields["department"].widget.load()
    rows = list(data_rows(dataset))

    def cell(row, name):
        index = mapping.get(name)
        return row[index] if index is not None and index < len(row) else None

    if "custodian" in mapping:
        resource_fields["custodian"].widget.load({cell_text(cell(row, "custodian")) for _line, row in rows})
    numbers = {cell_text(cell(row, "number")) for _line, row in rows} - {""}
    existing = {}
    changeable = set()
    for chunk in _chunks(numbers):
        existing.update((asset.number, asset) for asset in Asset.objects.filter(number__in=chunk))
        changeable.update(
            Asset.objects.visible_to(user, "change").filter(number__in=chunk).values_list("number", flat=True)
        )
    allowed_departments = set(creatable_departments(user, Asset).values_list("pk", flat=True))
    present = [name for name in FIELD_NAMES if name in mapping]
    seen = {}

    for done, (line, row) in enumerate(rows, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        number = cell_text(cell(row, "number"))
        if not number:
            result.error(line, "number", "固定资产编号不能为空。")
            continue
        if number in seen:
            result.error(line, "number", f"编号“{number}”与第 {seen[number]} 行重复。")
            continue
        seen[number] = line
        asset = existing.get(number)
        creating = asset is None
        if not creating and number not in changeable:
            result.error(line, "number", f"编号“{number}”的资产已存在，您无权修改。")
            continue
        if creating:
            asset = Asset(number=number)
        old_department = asset.department_id
        before = None if creating else snapshot(asset)
        bad = set()
        for name in present:
            if name == "number":
                continue
            field = resource_fields[name]
            try:
                value = field.widget.clean(cell(row, name))
            except ValueError as error:
                result.error(line, name, str(error))
                bad.add(name)
                continue
            if value is None and name == "department":
                result.error(line, name, "所属部门不能为空。")
                bad.add(name)
                continue
            setattr(asset, field.attribute, value)
        if "department" not in bad:
            department = asset.department
            if not department.is_active:
                result.error(line, "department", f"部门“{department.name}”已停用。")
                bad.add("department")
            elif (creating or department.pk != old_department) and department.pk not in allowed_departments:
                result.error(line, "department", f"您不能为部门“{department.name}”登记资产。")
                bad.add("department")
        if bad:
            continue
        try:
            asset.full_clean(
                exclude=["department", "custodian"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    result.error(line, name if name in COLUMN_LABELS else None, message)
            continue
        if creating:
            result.to_create.append(asset)
        elif snapshot(asset) != before:
            after = snapshot(asset)
            # Only the columns that changed are written (Django's bulk_update costs per cell).
            asset._import_changed = tuple(
                name for name, old, new in zip(FIELD_NAMES, before, after, strict=True) if old != new
            )
            result.to_update.append(asset)
        else:
            result.unchanged += 1
    if progress is not None:
        progress(len(rows))
    return result


def write(result, user):
    """All of it in one transaction, with history rows (bulk, so 10,000 rows take seconds)."""
    with transaction.atomic():
        if result.to_create:
            bulk_create_with_history(
                result.to_create,
                Asset,
                batch_size=500,
                default_user=user,
                default_change_reason=IMPORT_REASON_CREATE,
            )
        groups = defaultdict(list)
        for asset in result.to_update:
            groups[asset._import_changed].append(asset)
        for changed, assets in groups.items():
            bulk_update_with_history(
                assets,
                Asset,
                list(changed),
                # Django's bulk_update writes one CASE per column with a WHEN per row: small
                # batches keep each statement cheap to build and to plan.
                batch_size=100,
                default_user=user,
                default_change_reason=IMPORT_REASON_UPDATE,
            )
    return len(result.to_create), len(result.to_update)


# --- the import as a job --------------------------------------------------------------------------

PROCESSING_ERROR = "处理文件时出错，未写入任何数据。请联系系统管理员。"


def start_import(uploaded, user):
    """Accept an uploaded file (FileRefused otherwise), record it, and run it as a job
    (DESIGN.md §9): in this request when small, otherwise in the worker."""
    fmt = file_format(uploaded.name)
    limit_mb = int(register_setting("ASSET_IMPORT_MAX_MB"))
    if uploaded.size > limit_mb * 1024 * 1024:
        raise FileRefused(f"文件超过 {limit_mb} MB。")
    try:
        check_upload(uploaded, set(FORMATS))
    except ValidationError as error:
        raise FileRefused(error.messages[0]) from None
    content = uploaded.read()
    dataset = load_dataset(content, fmt)
    header_map(dataset)
    rows = check_size(dataset)
    uploaded.seek(0)
    record = AssetImport(
        original_name=Path(uploaded.name).name[:200], format=fmt, created_by=user, total_rows=rows
    )
    record.file.save(uploaded.name, uploaded, save=False)
    record.save()
    if rows <= int(register_setting("ASSET_IMPORT_INLINE_ROWS")):
        jobs.run_inline(JOB_KIND, record, by=user, total=rows)
        record.refresh_from_db()
    else:
        jobs.start(JOB_KIND, record, by=user, total=rows)
    return record


def import_failed(record, message, error):
    """The job failed (an unexpected error, or the worker was killed too often): 处理出错."""
    AssetImport.objects.filter(
        pk=record.pk, state__in=[AssetImport.State.PENDING, AssetImport.State.RUNNING]
    ).update(
        state=AssetImport.State.ERROR,
        errors=[{"line": None, "field": "", "message": PROCESSING_ERROR if error else message}],
        finished_at=timezone.now(),
    )


def run_import(job, record):
    """The job's work: validate the whole file, then write it or nothing. An import already
    finished (a redelivered message) is left alone."""
    if record.finished:
        return record.get_state_display()
    imports = AssetImport.objects.filter(pk=record.pk)
    imports.update(state=AssetImport.State.RUNNING)
    record = AssetImport.objects.select_related("created_by").get(pk=record.pk)
    try:
        with record.file.open("rb") as handle:
            content = handle.read()
        dataset = load_dataset(content, record.format)
        rows = check_size(dataset)
        imports.update(total_rows=rows)
        jobs.progress(job, 0, rows, "正在校验")
        result = validate(
            dataset, record.created_by, progress=lambda done: jobs.progress(job, done, message="正在校验")
        )
        if not result.ok:
            errors = result.errors
            if result.error_count > len(errors):
                errors.append(
                    {
                        "line": None,
                        "field": "",
                        "message": f"另有 {result.error_count - len(errors):,} 处错误未列出。",
                    }
                )
            imports.update(state=AssetImport.State.FAILED, errors=errors, finished_at=timezone.now())
            return AssetImport.State.FAILED.label
        jobs.progress(job, rows, message="正在写入")
        created, updated = write(result, record.created_by)
    except FileRefused as error:
        imports.update(
            state=AssetImport.State.FAILED,
            errors=[{"line": 1, "field": "", "message": str(error)}],
            finished_at=timezone.now(),
        )
        return AssetImport.State.FAILED.label
    except IntegrityError:
        logger.warning("asset import %s: a number was taken meanwhile", record.pk, exc_info=True)
        imports.update(
            state=AssetImport.State.ERROR,
            errors=[
                {
                    "line": None,
                    "field": "",
                    "message": "导入期间有相同编号的资产被登记，未写入任何数据，请重新导入。",
                }
            ],
            finished_at=timezone.now(),
        )
        return AssetImport.State.ERROR.label
    imports.update(
        state=AssetImport.State.DONE,
        created_count=created,
        updated_count=updated,
        finished_at=timezone.now(),
    )
    return AssetImport.State.DONE.label
