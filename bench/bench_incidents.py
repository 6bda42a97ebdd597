"""The incident list (incidents/views/incident.py ``IncidentListView``) through Django's test client.

Issue 3: "the incident list for a department user with 50,000 incidents (median and p95 ms,
queries per page)". Measured for a plain 工作人员 of one department (sees that department's
unrestricted incidents and what they reported themselves) and, for comparison, for a 安全员 (global
permission, sees every incident): page 1 (the newest) and a deep page, each requested ``REQUESTS``
times after a warm-up. The queries per page must not depend on the row count or the page
(DESIGN.md "Scale to plan for"). Issue #14: the department user's figures are printed as a ratio of
the global role's (target p95 ≤ 50 ms, ≤ 12 queries, ratio ≤ 1.3), with the SQL time of one
request, and on PostgreSQL the ``EXPLAIN ANALYZE`` of the page and its count (scan nodes above the
table: the access rule must not scan the incident table).
"""

import re
import time

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.clients import logged_in_client
from bench.common import (
    Row,
    explain,
    explain_count,
    median,
    percentile,
    print_plan,
    seq_scans,
)
from incidents.models import Incident
from szmz_security.obligations.models import Obligation

REQUESTS = 30
WARM_UP = 3
DEEP_PAGE = 50
PER_PAGE = 25  # szmz_security.core.views.ObjectListView.paginate_by
GLOBAL = "安全员"
TABLE = "incidents_incident"
URL = "/incidents/"


def measure(client, url, label):
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
    shown = len(set(re.findall(rb'href="/incidents/(\d+)/"', response.content)))
    if shown != PER_PAGE:
        raise RuntimeError(f"{url} shows {shown} incidents for {label}, not {PER_PAGE}")
    sql_ms = 1000 * sum(float(query["time"]) for query in queries.captured_queries)
    return median(timings), percentile(timings, 0.95), len(queries), sql_ms


def measure_user(user, deep_page):
    client = logged_in_client(user)
    return {
        "page 1": measure(client, URL, user.username),
        f"page {deep_page}": measure(client, f"{URL}?page={deep_page}", user.username),
    }


def plan_rows(staff):
    """EXPLAIN ANALYZE of the department user's page and count (PostgreSQL): which indexes the
    access rule's branches read, and that none of them scans the incident table."""
    visible = Incident.objects.visible_to(staff).with_content_access(staff)
    page = explain(visible.order_by(*Incident._meta.ordering)[:PER_PAGE])
    count = explain_count(visible)
    if page is None:
        return []
    print_plan("工作人员 page 1 rows", page)
    print_plan("工作人员 page count", count)
    return [
        Row("工作人员 page 1 rows: EXPLAIN ANALYZE", page[0], "ms"),
        Row("工作人员 page count: EXPLAIN ANALYZE", count[0], "ms"),
        Row("  sequential scans of the incident table", seq_scans(page[1] + count[1], TABLE), "scans"),
    ]


def run(ctx):
    user_model = get_user_model()
    staff = user_model.objects.get(username=ctx.summary.staff_username)
    officer = user_model.objects.get(username="gen.security-officer1")
    staff_sees = Incident.objects.visible_to(staff).count()
    officer_sees = Incident.objects.visible_to(officer).count()
    # The same deep page for both, one the department user has (at --quick there are fewer than 50).
    deep_page = max(2, min(DEEP_PAGE, staff_sees // PER_PAGE))
    staff_figures = measure_user(staff, deep_page)
    officer_figures = measure_user(officer, deep_page)

    owed = Obligation.objects.filter(subject_type=ContentType.objects.get_for_model(Incident))
    rows = [
        Row("incidents in the database", Incident.objects.count(), "rows"),
        Row("their report obligations (all states)", owed.count(), "rows"),
        Row("their report obligations still open", owed.open().count(), "rows"),
        Row("工作人员: incidents visible", staff_sees, "rows"),
        Row("安全员: incidents visible", officer_sees, "rows"),
    ]
    # The global role is the baseline (issue #14: a department user's page within 1.3× of it).
    for page, (staff_median, staff_p95, staff_queries, staff_sql) in staff_figures.items():
        officer_median, officer_p95, officer_queries, officer_sql = officer_figures[page]
        rows += [
            Row(f"安全员 {page}: median of {REQUESTS}", officer_median, "ms"),
            Row(f"安全员 {page}: p95 of {REQUESTS}", officer_p95, "ms"),
            Row(f"安全员 {page}: SQL queries", officer_queries, "queries"),
            Row(f"安全员 {page}: time in SQL", officer_sql, "ms"),
            Row(
                f"工作人员 {page}: median of {REQUESTS}",
                staff_median,
                "ms",
                staff_median / officer_median,
                GLOBAL,
            ),
            Row(f"工作人员 {page}: p95 of {REQUESTS}", staff_p95, "ms", staff_p95 / officer_p95, GLOBAL),
            Row(
                f"工作人员 {page}: SQL queries",
                staff_queries,
                "queries",
                staff_queries / officer_queries,
                GLOBAL,
            ),
            Row(f"工作人员 {page}: time in SQL", staff_sql, "ms", staff_sql / officer_sql, GLOBAL),
        ]
    rows += plan_rows(staff)
    return rows
