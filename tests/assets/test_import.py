"""Asset import and export (CSV and XLSX): whole-file validation with line, column and reason,
all-or-nothing writing, updates of existing numbers, the Celery task and its progress page, and
the export that imports again unchanged."""

import csv
import datetime as dt
import io

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset, AssetImport
from assets.register import resources
from szmz_security.auditlog.models import AuditEvent
from szmz_security.core.choices import NetworkZone, Secrecy
from szmz_security.jobs import services as jobs
from tests.assets.factories import AssetFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADERS = list(resources.COLUMN_LABELS.values())


def row(number, department, **cells):
    values = {
        "固定资产编号": number,
        "类型": "台式机",
        "名称": f"办公电脑{number}",
        "所属部门": department.code,
        "网络区域": "政务内网",
        "密级": "非涉密",
        "状态": "在用",
    }
    values.update(cells)
    return values


def csv_file(rows, name="assets.csv", encoding="utf-8-sig", headers=HEADERS):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, extrasaction="ignore")
    writer.writeheader()
    for values in rows:
        writer.writerow(values)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="assets.xlsx"):
    dataset = tablib.Dataset(headers=HEADERS)
    for values in rows:
        dataset.append([values.get(header, "") for header in HEADERS])
    return SimpleUploadedFile(name, dataset.export("xlsx"))


def upload(client, user, file):
    client.force_login(user)
    return client.post(reverse("assets:asset_import_add"), {"file": file})


def last_job():
    return AssetImport.objects.latest("pk")


# --- small files: validated and written in the request --------------------------------------------


def test_csv_import_creates_assets_with_labels_codes_and_history(client, officer, department):
    keeper = UserFactory(username="wangwu", departments=[department])
    rows = [
        row(
            "IMP-001",
            department,
            责任人="wangwu",
            型号="ThinkCentre M920",
            购置日期="2023/05/06",
            病毒库更新日期=timezone.localdate().isoformat(),
            关键信息基础设施="是",
        ),
        # Codes instead of labels, the department by name.
        row(
            "IMP-002",
            department,
            类型="server",
            网络区域="standalone",
            密级="secret",
            已拆除无线模块="是",
            所属部门=department.name,
        ),
    ]
    response = upload(client, officer, csv_file(rows))
    job = last_job()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.state == AssetImport.State.DONE and job.created_count == 2
    first = Asset.objects.get(number="IMP-001")
    assert first.custodian == keeper and first.model_number == "ThinkCentre M920"
    assert first.purchase_date == dt.date(2023, 5, 6) and first.critical_infrastructure
    second = Asset.objects.get(number="IMP-002")
    assert (second.type, second.zone, second.secrecy, second.wireless_removed) == (
        "server",
        "standalone",
        "secret",
        True,
    )
    history = first.history.get()
    assert history.history_user == officer and history.history_change_reason == resources.IMPORT_REASON_CREATE
    page = client.get(job.get_absolute_url()).content.decode()
    assert "导入完成：新增 2 项" in page


def test_gbk_csv_from_excel_is_read(client, officer, department):
    response = upload(client, officer, csv_file([row("GBK-1", department)], encoding="gb18030"))
    assert response.status_code == 302
    assert Asset.objects.filter(number="GBK-1", name="办公电脑GBK-1").exists()


def test_xlsx_import(client, officer, department):
    upload(client, officer, xlsx_file([row("X-1", department, 购置日期="2022-01-02")]))
    assert last_job().state == AssetImport.State.DONE
    assert Asset.objects.get(number="X-1").purchase_date == dt.date(2022, 1, 2)


def test_every_bad_row_is_reported_and_nothing_is_written(client, officer, department):
    AssetFactory(number="OLD-1", department=department, name="旧名称")
    rows = [
        row("OK-1", department),
        row("BAD-1", department, 所属部门="不存在的处"),
        row("OK-1", department),
        row("BAD-2", department, 密级="秘密"),  # classified on 政务内网
        row("BAD-3", department, 购置日期="2023-13-45"),
        row("BAD-4", department, 类型="平板"),
        row("", department),
        row("OLD-1", department, 名称="新名称"),
    ]
    upload(client, officer, csv_file(rows))
    job = last_job()
    assert job.state == AssetImport.State.FAILED
    found = {(error["line"], error["field"]) for error in job.errors}
    assert found == {
        (3, "所属部门"),
        (4, "固定资产编号"),
        (5, "网络区域"),
        (5, "已拆除无线模块"),
        (6, "购置日期"),
        (7, "类型"),
        (8, "固定资产编号"),
    }
    messages = {(error["line"], error["field"]): error["message"] for error in job.errors}
    assert "不存在的处" in messages[(3, "所属部门")]
    assert "与第 2 行重复" in messages[(4, "固定资产编号")]
    assert "只能用于涉密网或单机" in messages[(5, "网络区域")]
    assert "2023-13-45" in messages[(6, "购置日期")]
    assert not Asset.objects.exclude(number="OLD-1").exists()
    assert Asset.objects.get(number="OLD-1").name == "旧名称"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "共 7 处错误，未写入任何数据" in page and "第 6 行" in page


def test_existing_number_updates_the_asset_when_allowed(client, officer, department):
    asset = AssetFactory(number="UPD-1", department=department, location="3楼")
    upload(client, officer, csv_file([row("UPD-1", department, 存放地点="5楼", 名称="新电脑")]))
    job = last_job()
    assert (job.state, job.created_count, job.updated_count) == ("done", 0, 1)
    asset.refresh_from_db()
    assert (asset.location, asset.name) == ("5楼", "新电脑")
    assert asset.history.first().history_change_reason == resources.IMPORT_REASON_UPDATE


def test_existing_number_the_user_may_not_change_is_a_row_error(client, department, other_department):
    clerk = UserFactory(departments=[department])
    clerk.user_permissions.add(Permission.objects.get(codename="add_asset"))
    AssetFactory(number="THEIRS-1", department=other_department)
    upload(client, clerk, csv_file([row("MINE-1", department), row("THEIRS-1", department)]))
    job = last_job()
    assert job.state == AssetImport.State.FAILED
    assert [(e["line"], e["field"]) for e in job.errors] == [(3, "固定资产编号")]
    assert "无权修改" in job.errors[0]["message"]
    assert not Asset.objects.filter(number="MINE-1").exists()


def test_department_the_importer_may_not_file_for_is_a_row_error(client, department, other_department):
    clerk = UserFactory(departments=[department])
    clerk.user_permissions.add(Permission.objects.get(codename="add_asset"))
    upload(client, clerk, csv_file([row("A-1", department), row("A-2", other_department)]))
    job = last_job()
    assert [(e["line"], e["field"]) for e in job.errors] == [(3, "所属部门")]
    assert f"不能为部门“{other_department.name}”登记" in job.errors[0]["message"]


def test_wrong_file_type_and_missing_columns_are_refused(client, officer, department):
    response = upload(client, officer, SimpleUploadedFile("assets.xls", b"\xd0\xcf\x11\xe0"))
    assert response.status_code == 400
    assert "只接受 CSV" in response.content.decode()
    response = upload(client, officer, csv_file([{"名称": "x"}], headers=["名称"]))
    assert response.status_code == 400
    assert "缺少必填列" in response.content.decode()
    assert not AssetImport.objects.exists()


def test_more_rows_than_the_limit_is_refused(client, officer, department, settings):
    settings.ASSET_IMPORT_MAX_ROWS = 3
    response = upload(client, officer, csv_file([row(f"L-{i}", department) for i in range(4)]))
    assert response.status_code == 400
    assert "超过单次导入上限 3 行" in response.content.decode()


def test_staff_may_not_import(client, staff, department):
    assert upload(client, staff, csv_file([row("S-1", department)])).status_code == 403


def test_another_user_cannot_open_an_import(client, officer, outsider, department):
    upload(client, officer, csv_file([row("P-1", department)]))
    job = last_job()
    client.force_login(outsider)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("assets:asset_import_progress", args=[job.pk])).status_code == 404


# --- large files: the job in the worker -----------------------------------------------------------


def run_import(record):
    """What the worker does with an import's job (DESIGN.md §9); the import's state after it."""
    jobs.run(jobs.create(resources.JOB_KIND, record, by=record.created_by).pk)
    record.refresh_from_db()
    return record.state


def test_large_file_is_queued_and_the_task_writes_it(
    client, officer, department, settings, django_capture_on_commit_callbacks
):
    settings.ASSET_IMPORT_INLINE_ROWS = 10
    sent = []
    from szmz_security.core import tasks as module

    original = module.send_task_now
    module.send_task_now = lambda name, *args: sent.append((name, args))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, officer, csv_file([row(f"T-{i:04d}", department) for i in range(50)]))
    finally:
        module.send_task_now = original
    job = last_job()
    assert sent == [("jobs.run", (job.job.pk,))]
    assert job.state == AssetImport.State.PENDING and job.total_rows == 50
    partial = client.get(reverse("assets:asset_import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "排队中" in partial

    assert jobs.run(job.job.pk) == "done"
    assert jobs.run(job.job.pk) is None  # a redelivered message does nothing
    assert Asset.objects.count() == 50
    partial = client.get(reverse("assets:asset_import_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in partial and "新增 50 项" in partial


def test_one_bad_row_in_a_thousand_writes_nothing(officer, department):
    rows = [row(f"K-{i:04d}", department) for i in range(1000)]
    rows[736]["网络区域"] = "火星网"
    job = AssetImport.objects.create(
        original_name="big.csv", format="csv", created_by=officer, file=csv_file(rows, name="big.csv")
    )
    assert run_import(job) == AssetImport.State.FAILED
    assert job.errors == [{"line": 738, "field": "网络区域", "message": job.errors[0]["message"]}]
    assert "火星网" in job.errors[0]["message"]
    assert job.processed_rows == 1000
    assert not Asset.objects.exists()


def test_shown_errors_are_capped_with_the_total(client, officer, department):
    rows = [row(f"E-{i:04d}", department, 类型="平板") for i in range(600)]
    job = AssetImport.objects.create(
        original_name="bad.csv", format="csv", created_by=officer, file=csv_file(rows, name="bad.csv")
    )
    run_import(job)
    client.force_login(officer)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "共 600 处错误" in page and "仅列出前 500 处错误" in page
    assert page.count("不是有效的类型") == 500


# --- export ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_unchanged(client, officer, department, fmt):
    keeper = UserFactory(username="keeper", departments=[department])
    AssetFactory(
        number="R-1",
        department=department,
        custodian=keeper,
        serial="0012345",
        purchase_date=dt.date(2021, 3, 4),
        antivirus_product="杀毒",
        antivirus_updated_on=timezone.localdate(),
        critical_infrastructure=True,
    )
    AssetFactory(
        number="R-2",
        department=department,
        type=Asset.Type.LAPTOP,
        zone=NetworkZone.CLASSIFIED,
        secrecy=Secrecy.CONFIDENTIAL,
        wireless_removed=True,
    )
    AssetFactory(number="R-3", department=department, type=Asset.Type.SYSTEM, data_grade="important")
    fields = resources.FIELD_NAMES
    before = list(Asset.objects.order_by("number").values_list(*fields))
    client.force_login(officer)
    response = client.get(reverse("assets:asset_export"), {"format": fmt})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, detail__format=fmt).exists()
    upload(client, officer, SimpleUploadedFile(f"export.{fmt}", response.content))
    job = last_job()
    # Every row matches its asset: nothing is written, no history row is added.
    assert (job.state, job.total_rows, job.created_count, job.updated_count) == ("done", 3, 0, 0), job.errors
    assert list(Asset.objects.order_by("number").values_list(*fields)) == before
    assert Asset.history.count() == 3
    assert "未变化 3 项" in client.get(job.get_absolute_url()).content.decode()


def test_export_follows_the_list_filter_and_visibility(client, staff, department, other_department):
    AssetFactory(number="MINE-PC", department=department, type=Asset.Type.DESKTOP)
    AssetFactory(number="MINE-SRV", department=department, type=Asset.Type.SERVER)
    AssetFactory(number="THEIRS", department=other_department)
    client.force_login(staff)
    text = client.get(reverse("assets:asset_export"), {"format": "csv", "type": "server"}).content.decode(
        "utf-8-sig"
    )
    assert text.splitlines()[0].split(",")[:3] == ["固定资产编号", "类型", "名称"]
    assert "MINE-SRV" in text and "MINE-PC" not in text and "THEIRS" not in text


def test_template_download_has_the_headers(client, officer):
    client.force_login(officer)
    response = client.get(reverse("assets:asset_import_template"))
    dataset = tablib.Dataset().load(io.BytesIO(response.content), format="xlsx")
    assert dataset.headers == HEADERS
