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
    body = json.dumps({"text": TEXT}, ensure_ascii=False).encode()  # UTF-8, as a CMS sends it
    cache.clear()  # a fresh allowance under FILTER_CHECK_RATE
    client.post("/api/filter/check/", json.dumps({"text": "预热"}), content_type="application/json")

    started = time.perf_counter()
    response = client.post("/api/filter/check/", body, content_type="application/json")
    seconds = time.perf_counter() - started
    answer = response.json()

    started = time.perf_counter()
    bounded = wordfilter.check_first(TEXT, settings.FILTER_MAX_HITS)
    bounded_seconds = time.perf_counter() - started
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
        Row(
            "wordfilter.check_first() alone (what the API runs)",
            bounded_seconds,
            "s",
            bounded_seconds / seconds,
            "API",
        ),
        Row("wordfilter.check() alone: every hit built (before the bound)", check_seconds, "s"),
        Row("check_first() total", bounded.total, "hits"),
        Row("wordfilter.check() hits", len(hits), "hits"),
    ]
