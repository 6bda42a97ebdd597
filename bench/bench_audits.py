"""The risk register (audits/risks/views.py ``RiskListView``) and its heat map (``RiskHeatMapView``).

``20,000 × scale`` risks (and 200 projects) are generated over every department
(``audits/generate.py``, plain bulk inserts). The list (page 1, a deep page, the 重大 filter) and
the heat map are measured for a plain 工作人员 (sees one department's risks) and a 安全员 (sees
all), each ``REQUESTS`` times after a warm-up. The queries per page must not depend on the number
of risks.
"""

import re
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.generate import generate_risks
from audits.models import Risk
from bench.clients import logged_in_client
from bench.common import Row, median, percentile, stopwatch

RISKS_PER_SCALE = 20_000
REQUESTS = 30
WARM_UP = 3
DEEP_PAGE = 20
URL = "/audits/risks/"


def measure(client, url, label, check_rows=True):
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
    if check_rows and not re.search(rb'href="/audits/risks/\d+/"', response.content):
        raise RuntimeError(f"{url} shows no risks for {label}")
    return median(timings), percentile(timings, 0.95), len(queries)


def run(ctx):
    with stopwatch() as generation:
        projects, risks = generate_risks(max(200, int(RISKS_PER_SCALE * ctx.scale)))
    user_model = get_user_model()
    staff = user_model.objects.get(username=ctx.summary.staff_username)
    officer = user_model.objects.get(username="gen.security-officer1")
    rows = [
        Row("generate: risks", risks, "rows"),
        Row("generate: projects", projects, "rows"),
        Row("generate: time", generation["seconds"], "s"),
        Row("工作人员: risks visible", Risk.objects.visible_to(staff).count(), "rows"),
    ]
    pages = {
        "list page 1": (URL, True),
        f"list page {DEEP_PAGE}": (f"{URL}?page={DEEP_PAGE}", False),
        "list 重大 filter": (f"{URL}?level=major&status=open", True),
        "heat map": ("/audits/risks/heat-map/", False),
    }
    for label, user in (("工作人员", staff), ("安全员", officer)):
        client = logged_in_client(user)
        for page, (url, check) in pages.items():
            median_ms, p95_ms, queries = measure(client, url, user.username, check_rows=check)
            rows += [
                Row(f"{label}: {page} median", median_ms, "ms"),
                Row(f"{label}: {page} p95", p95_ms, "ms"),
                Row(f"{label}: {page} queries", queries, "queries"),
            ]
    return rows
