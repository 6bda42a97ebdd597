"""The asset register (assets/register/views.py ``AssetListView``) and the bulk import (assets/register/imports.py).

Issue 4: "the asset list with 100,000 assets for a department user (median and p95 ms, queries
per page); import of 10,000 rows". ``100,000 × scale`` assets are generated over every department
(``assets/generate.py``, plain bulk inserts). The list is measured for a plain 工作人员 (sees one
department's assets) and a 安全员 (sees all), page 1 and a deep page, each ``REQUESTS`` times after
a warm-up; then the compliance list for the 安全员; then a 10,000-row CSV is imported by the
安全员 through ``run_import`` (the Celery task's body: validate everything, then write in one
transaction with history), the same file again (nothing changes, nothing is written) and a
changed file (10,000 updates).
"""

import re
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.generate import generate_assets
from assets.models import Asset, AssetImport
from assets.register import resources
from bench.clients import logged_in_client
from bench.common import (
    Row,
    explain,
    explain_count,
    median,
    percentile,
    print_plan,
    seq_scans,
    stopwatch,
)
from szmz_security.jobs import services as jobs
from szmz_security.org.models import Department

ASSETS_PER_SCALE = 100_000
IMPORT_ROWS = 10_000
REQUESTS = 30
WARM_UP = 3
DEEP_PAGE = 50
PER_PAGE = 25
URL = "/assets/"
TABLE = "assets_asset"
RAW = "raw SELECT"


def measure(client, url, label, pattern=rb'href="/assets/(\d+)/"'):
    for _ in range(WARM_UP):
        client.get(url)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} for {label}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    shown = len(set(re.findall(pattern, response.content)))
    if shown != PER_PAGE:
        raise RuntimeError(f"{url} shows {shown} assets for {label}, not {PER_PAGE}")
    return median(timings), percentile(timings, 0.95), len(queries)


def import_file(rows, department_code, floor_offset=0):
    lines = ["固定资产编号,类型,名称,型号,所属部门,存放地点,网络区域,密级,状态,购置日期"]
    lines += [
        f"IMP-{i:06d},台式机,导入电脑{i},OptiPlex 7090,{department_code},{(i + floor_offset) % 12 + 1}楼,政务内网,非涉密,在用,2024-03-15"
        for i in range(rows)
    ]
    return "\n".join(lines).encode("utf-8")


def timed_import(user, content):
    job = AssetImport.objects.create(
        original_name="bench.csv",
        format="csv",
        created_by=user,
        file=SimpleUploadedFile("bench.csv", content),
    )
    with stopwatch() as clock:
        # What the worker does with the import's job (DESIGN.md §9).
        jobs.run(jobs.create(resources.JOB_KIND, job, by=user).pk)
    job.refresh_from_db()
    if job.state != AssetImport.State.DONE:
        raise RuntimeError(f"the benchmark import failed: {job.errors[:3]}")
    return clock["seconds"], job


def raw_page(staff):
    """The baseline: a bare ``SELECT … LIMIT 50`` of the department's assets in list order
    (no access rule, no count, no template), timed like a page."""
    department_ids = list(Department.objects.of_user(staff).values_list("pk", flat=True))
    sql = f"SELECT * FROM {TABLE} WHERE department_id = ANY(%s) ORDER BY number LIMIT 50"  # nosec B608 # the table name is the model's; values are parameters
    timings = []
    with connection.cursor() as cursor:
        for _ in range(WARM_UP + REQUESTS):
            started = time.perf_counter()
            cursor.execute(sql, [department_ids])
            cursor.fetchall()
            timings.append(1000 * (time.perf_counter() - started))
    return median(timings[WARM_UP:]), percentile(timings[WARM_UP:], 0.95)


def plan_rows(staff):
    visible = Asset.objects.visible_to(staff)
    page = explain(visible.order_by(*Asset._meta.ordering)[:PER_PAGE])
    count = explain_count(visible)
    if page is None:
        return []
    print_plan("工作人员 asset page 1 rows", page)
    print_plan("工作人员 asset page count", count)
    return [
        Row("工作人员 list page 1 rows: EXPLAIN ANALYZE", page[0], "ms"),
        Row("工作人员 list count: EXPLAIN ANALYZE", count[0], "ms"),
        Row("  sequential scans of the asset table", seq_scans(page[1] + count[1], TABLE), "scans"),
    ]


def run(ctx):
    total = max(1000, round(ASSETS_PER_SCALE * ctx.scale))
    with stopwatch() as generation:
        generate_assets(total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The steady state after a bulk load: autovacuum (insert threshold, PostgreSQL 13+)
            # sets the visibility map soon after, and counts become index-only scans.
            cursor.execute("VACUUM ANALYZE")
    user_model = get_user_model()
    staff = user_model.objects.get(username=ctx.summary.staff_username)
    officer = user_model.objects.get(username="gen.security-officer1")
    staff_sees = Asset.objects.visible_to(staff).count()
    deep_page = max(2, min(DEEP_PAGE, staff_sees // PER_PAGE))
    rows = [
        Row("assets generated", total, "rows"),
        Row("generation time", generation["seconds"], "s"),
        Row("工作人员: assets visible", staff_sees, "rows"),
    ]
    raw_median, raw_p95 = raw_page(staff)
    rows += [
        Row(f"raw SELECT … LIMIT 50: median of {REQUESTS}", raw_median, "ms"),
        Row(f"raw SELECT … LIMIT 50: p95 of {REQUESTS}", raw_p95, "ms"),
    ]
    for label, user in (("工作人员", staff), ("安全员", officer)):
        client = logged_in_client(user)
        for page, url in (("page 1", URL), (f"page {deep_page}", f"{URL}?page={deep_page}")):
            med, p95, queries = measure(client, url, label)
            rows += [
                Row(f"{label} list {page}: median of {REQUESTS}", med, "ms", med / raw_median, RAW),
                Row(f"{label} list {page}: p95 of {REQUESTS}", p95, "ms", p95 / raw_p95, RAW),
                Row(f"{label} list {page}: SQL queries", queries, "queries"),
            ]
        med, p95, queries = measure(client, f"{URL}?q=楼 05&type=desktop", f"{label} search")
        rows += [
            Row(f"{label} search q+type: median of {REQUESTS}", med, "ms"),
            Row(f"{label} search q+type: SQL queries", queries, "queries"),
        ]
    rows += plan_rows(staff)
    client = logged_in_client(officer)
    med, p95, queries = measure(client, "/assets/compliance/", "compliance")
    rows += [
        Row(f"安全员 compliance list page 1: median of {REQUESTS}", med, "ms"),
        Row(f"安全员 compliance list page 1: p95 of {REQUESTS}", p95, "ms"),
        Row("安全员 compliance list page 1: SQL queries", queries, "queries"),
    ]

    code = Department.objects.order_by("pk").first().code
    content = import_file(IMPORT_ROWS, code)
    seconds, job = timed_import(officer, content)
    rows.append(Row(f"import {IMPORT_ROWS:,} new rows (validate + write)", seconds, "s"))
    rows.append(Row("  rows created", job.created_count, "rows"))
    seconds, job = timed_import(officer, content)
    rows.append(Row(f"import the same {IMPORT_ROWS:,} rows again (all unchanged)", seconds, "s"))
    seconds, job = timed_import(officer, import_file(IMPORT_ROWS, code, floor_offset=1))
    rows.append(Row(f"import {IMPORT_ROWS:,} rows, each changed (updates)", seconds, "s"))
    rows.append(Row("  rows updated", job.updated_count, "rows"))
    with stopwatch() as export:
        size = len(resources.export_bytes(Asset.objects.filter(number__startswith="IMP-"), "xlsx"))
    rows.append(Row(f"export {IMPORT_ROWS:,} rows as XLSX", export["seconds"], "s"))
    rows.append(Row("  XLSX size", size / 1024, "KiB"))
    return rows
