"""The compliance dashboard and the inspection PDF over a year of records.

Issue 6: "a year of realistic data … the compliance dashboard's median/p95 ms and query count at two
data sizes (constant), and the PDF for a year: seconds, pages, peak memory". On top of what
``core/generate.py`` wrote (obligations of every kind, incidents with their report obligations),
this adds a year of the bureau's routine records as obligations — daily backups, monthly fire
checks and IP/MAC reconciliations per machine room / department, quarterly reviews — most met on
time, some late, a few still open (plain bulk inserts, ``YEAR_ROUNDS`` rounds). The dashboard is
measured before and after; then the year's inspection PDF is built by the Celery task's function.
"""

import datetime
import random
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.clients import logged_in_client
from bench.common import Row, median, percentile
from szmz_security.compliance.models import InspectionReport
from szmz_security.compliance.tasks import KIND as REPORT_JOB
from szmz_security.jobs import services as jobs
from szmz_security.obligations.models import Obligation
from szmz_security.org.models import Department

ORDER = 60
REQUESTS = 20
WARM_UP = 2
URL = "/compliance/"
ROOMS = 5  # machine rooms with a daily backup and a monthly fire check
RECONCILING_DEPARTMENTS = 20


def measure(client):
    for _ in range(WARM_UP):
        client.get(URL)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(URL)
        timings.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise RuntimeError(f"{URL} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    return median(timings), percentile(timings, 0.95), len(queries)


def year_of_records(today, rng, chunk=5000):
    """Daily backups, monthly fire checks and reconciliations, quarterly reviews over the past year."""
    departments = list(Department.objects.order_by("pk")[: max(RECONCILING_DEPARTMENTS, ROOMS)])
    start = today - datetime.timedelta(days=365)
    plan = []
    for day in range(365):
        date = start + datetime.timedelta(days=day)
        for room in range(ROOMS):
            plan.append(
                (
                    "machine_room.backup",
                    f"机房{room + 1} {date:%Y-%m-%d} 备份记录",
                    "市民政局制度 第五章第6条",
                    departments[room],
                    date,
                )
            )
        if date.day == 1:
            for room in range(ROOMS):
                plan.append(
                    (
                        "machine_room.fire_check",
                        f"机房{room + 1} {date:%Y年%m月} 消防检查",
                        "市民政局制度 第五章第7条",
                        departments[room],
                        date,
                    )
                )
            for department in departments[:RECONCILING_DEPARTMENTS]:
                plan.append(
                    (
                        "assets.reconciliation",
                        f"{department} {date:%Y年%m月} IP/MAC 地址核查",
                        "市民政局制度 第七章第1条",
                        department,
                        date,
                    )
                )
            if date.month in (1, 4, 7, 10):
                plan.append(
                    (
                        "audits.quarterly_review",
                        f"{date:%Y}年第{(date.month + 2) // 3}季度内部风险评估",
                        "市民政局制度 第四章第3条",
                        departments[0],
                        date,
                    )
                )
    rows = []
    for kind, title, clause, department, date in plan:
        due = timezone.make_aware(datetime.datetime.combine(date, datetime.time(18)))
        roll = rng.random()
        if due > timezone.now() or roll < 0.03:
            state, met_at = Obligation.State.OPEN, None
        elif roll < 0.10:
            state, met_at = Obligation.State.MET_LATE, due + datetime.timedelta(days=rng.randint(1, 5))
        else:
            state, met_at = Obligation.State.MET, due - datetime.timedelta(hours=rng.randint(1, 8))
        rows.append(
            Obligation(
                title=title,
                kind=kind,
                clause=clause,
                department=department,
                created_at=due - datetime.timedelta(days=1),
                due_at=due,
                state=state,
                met_at=met_at,
                evidence="记录齐全" if met_at else "",
                notify_roles=["security_officer"],
                escalate_roles=["leadership"],
            )
        )
    Obligation.objects.bulk_create(rows, batch_size=chunk)
    return len(rows)


def run(ctx):
    user_model = get_user_model()
    officer = user_model.objects.get(username="gen.security-officer1")
    client = logged_in_client(officer)
    today = timezone.localdate()
    rows = [Row("obligations before the year's records", Obligation.objects.count(), "rows")]
    small = measure(client)

    started = time.perf_counter()
    added = year_of_records(today, random.Random(2026))
    rows += [
        Row("generate: a year of routine records (obligations)", added, "rows"),
        Row("generate: time", time.perf_counter() - started, "s"),
        Row("obligations after", Obligation.objects.count(), "rows"),
    ]
    large = measure(client)
    rows += [
        Row("合规总览 median (before)", small[0], "ms"),
        Row("合规总览 p95 (before)", small[1], "ms"),
        Row("合规总览 queries (before)", small[2], "queries"),
        Row("合规总览 median (after)", large[0], "ms", large[0] / small[0], "before"),
        Row("合规总览 p95 (after)", large[1], "ms", large[1] / small[1], "before"),
        Row("合规总览 queries (after)", large[2], "queries", large[2] / small[2], "before"),
    ]

    report = InspectionReport.objects.create(
        period_start=today - datetime.timedelta(days=364), period_end=today, requested_by=officer
    )
    started = time.perf_counter()
    state = jobs.run(jobs.create(REPORT_JOB, report, by=officer, total=100).pk)
    seconds = time.perf_counter() - started
    report.refresh_from_db()
    if state != "done":
        raise RuntimeError(f"inspection report failed: {report.error}")
    # Peak memory from a second build (a new row: reports are never rebuilt in place) under
    # tracemalloc, which slows Python several times over, so it is not timed.
    traced = InspectionReport.objects.create(
        period_start=report.period_start, period_end=report.period_end, requested_by=officer
    )
    tracemalloc.start()
    jobs.run(jobs.create(REPORT_JOB, traced, by=officer, total=100).pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced.refresh_from_db()
    traced.file.delete(save=False)
    rows += [
        Row("检查报告 (a year): build time", seconds, "s"),
        Row("检查报告 (a year): pages", report.pages, "pages"),
        Row("检查报告 (a year): size", report.size / 1024, "KiB"),
        Row("检查报告 (a year): peak Python memory (tracemalloc)", peak / 2**20, "MiB"),
    ]
    report.file.delete(save=False)
    return rows
