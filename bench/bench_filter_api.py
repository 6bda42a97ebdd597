"""``POST /api/filter/check/`` with the issue #21 worst case: one million characters holding
250,000 hits, answered with the first FILTER_MAX_HITS (1,000) hits and the total.

Through Django's test client with a signed-in staff user of the generated data, so the figure
includes parsing the request, the check, serialising and rendering the JSON (not the network).
Before the bound the same request answered 22 MB in 3.4 s on the issue's machine.

    .venv/bin/python bench/run.py --quick --only filter_api
"""

import json
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from bench.common import Row
from publishing import wordfilter

ORDER = 21  # after bench_filter, which loads its 20,000-word list
TEXT = "赌博" * 250_000 + "。" * 500_000  # 1,000,000 characters, 250,000 hits


def run(ctx):
    wordfilter.add_words([{"word": "赌博", "category": "gambling", "level": "block"}])
    staff = get_user_model().objects.get(username=ctx.summary.staff_username)
    client = Client()
    client.force_login(staff)
    body = json.dumps({"text": TEXT})
    cache.clear()  # a fresh allowance under FILTER_CHECK_RATE
    client.post("/api/filter/check/", json.dumps({"text": "预热"}), content_type="application/json")

    started = time.perf_counter()
    response = client.post("/api/filter/check/", body, content_type="application/json")
    seconds = time.perf_counter() - started
    answer = response.json()

    started = time.perf_counter()
    hits = wordfilter.check(TEXT)
    check_seconds = time.perf_counter() - started
    return [
        Row("filter API: 1,000,000 characters, 250,000 hits, one request", seconds, "s"),
        Row(
            f"filter API: hits returned (FILTER_MAX_HITS={settings.FILTER_MAX_HITS})",
            len(answer["hits"]),
            "hits",
        ),
        Row("filter API: total reported", answer["total"], "hits"),
        Row("filter API: response size", len(response.content) / 1e6, "MB"),
        Row("wordfilter.check() alone on the same text", check_seconds, "s", check_seconds / seconds, "API"),
        Row("wordfilter.check() hits", len(hits), "hits"),
    ]
