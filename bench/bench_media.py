"""The removable-media ledger (media_control/ledger/views.py ``MediumListView``) through Django's test
client, for a plain 工作人员 of a department holding 20,000 media (issue 5: median, p95 ms, queries
per page). One in three media is classified (need-to-know, invisible to that user); 500 are checked
out with an open return obligation, so the 归还期限 column and the 逾期未还 filter have work to do.
Measured: page 1, a deep page, and the overdue filter; and a 安全员 (sees every medium) for
comparison.
"""

import re
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.clients import logged_in_client
from bench.common import Row, median, percentile
from media_control.generate import generate_media
from media_control.models import Medium
from szmz_security.org.models import Department

MEDIA = 20_000
REQUESTS = 30
WARM_UP = 3
URL = "/removable-media/"


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
    shown = len(set(re.findall(rb'href="/removable-media/(\d+)/"', response.content)))
    return median(timings), percentile(timings, 0.95), len(queries), shown


def run(ctx):
    user_model = get_user_model()
    staff = user_model.objects.get(username=ctx.summary.staff_username)
    officer = user_model.objects.get(username="gen.security-officer1")
    department = Department.objects.of_user(staff).first()
    custodians = list(user_model.objects.filter(groups=department.group)[:20])
    if not Medium.objects.filter(department=department).exists():
        generate_media(department, custodians, MEDIA)
    visible = Medium.objects.visible_to(staff).count()
    deep = max(2, min(200, visible // 25))
    rows = [
        Row("media in the database", Medium.objects.count(), "rows"),
        Row("工作人员: media visible", visible, "rows"),
    ]
    for label, user in (("工作人员", staff), ("安全员", officer)):
        client = logged_in_client(user)
        for page, url in (
            ("page 1", URL),
            (f"page {deep}", f"{URL}?page={deep}"),
            ("逾期未还 filter", f"{URL}?overdue=true"),
        ):
            med, p95, queries, shown = measure(client, url, label)
            rows += [
                Row(f"{label}: ledger {page} median", round(med, 1), "ms"),
                Row(f"{label}: ledger {page} p95", round(p95, 1), "ms"),
                Row(f"{label}: ledger {page} queries", queries, "queries", None, f"{shown} rows shown"),
            ]
    return rows
