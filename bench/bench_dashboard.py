"""The start page (szmz_security/core/dashboard.py) through Django's test client.

Measured for a plain 工作人员 of one department (sees that department's obligations) and for a
安全员 (global permission, sees every obligation): the queries per request must be the same
number whatever the row count (DESIGN.md "Scale to plan for").
"""

import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.clients import logged_in_client
from bench.common import Row, median, percentile
from szmz_security.obligations.models import Obligation

REQUESTS = 50
STAFF = "工作人员"
WARM_UP = 3


def measure(user):
    client = logged_in_client(user)
    for _ in range(WARM_UP):
        client.get("/")
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/")
        timings.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise RuntimeError(f"dashboard answered {response.status_code} for {user.username}")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    return median(timings), percentile(timings, 0.95), len(queries)


def run(ctx):
    user_model = get_user_model()
    staff = user_model.objects.get(username=ctx.summary.staff_username)
    officer = user_model.objects.get(username="gen.security-officer1")
    staff_median, staff_p95, staff_queries = measure(staff)
    officer_median, officer_p95, officer_queries = measure(officer)
    staff_sees = Obligation.objects.visible_to(staff).open().count()
    officer_sees = Obligation.objects.visible_to(officer).open().count()
    return [
        Row("工作人员: open obligations visible", staff_sees, "rows"),
        Row(f"工作人员: median of {REQUESTS} requests", staff_median, "ms"),
        Row(f"工作人员: p95 of {REQUESTS} requests", staff_p95, "ms"),
        Row("工作人员: SQL queries per request", staff_queries, "queries"),
        Row("安全员: open obligations visible", officer_sees, "rows", officer_sees / staff_sees, STAFF),
        Row(f"安全员: median of {REQUESTS} requests", officer_median, "ms"),
        Row(f"安全员: p95 of {REQUESTS} requests", officer_p95, "ms"),
        Row(
            "安全员: SQL queries per request",
            officer_queries,
            "queries",
            officer_queries / staff_queries,
            STAFF,
        ),
    ]
