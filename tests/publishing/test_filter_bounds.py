"""``/api/filter/check/`` is bounded (issue #21): at most FILTER_MAX_HITS hits with the total, and
at most FILTER_CHECK_RATE checks per user and minute. The timing figure is in bench/bench_filter_api.py."""

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from publishing import wordfilter
from publishing.models import WordLevel
from tests.publishing.test_wordfilter import URL, word

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff):
    cache.clear()  # the throttle counts in the cache
    client = APIClient()
    client.force_authenticate(staff)
    yield client
    cache.clear()


def test_a_quarter_million_hits_answer_the_first_thousand_and_the_total(api):
    word("赌博")
    word("彩票", level=WordLevel.REVIEW)
    text = "赌博" * 249_999 + "彩票" + "。" * 500_000  # 1,000,000 characters, 250,000 hits
    response = api.post(URL, {"text": text}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 250_000 and body["truncated"] is True
    assert len(body["hits"]) == 1_000
    assert body["hits"][-1] == {
        "word": "赌博",
        "category": "gambling",
        "level": "block",
        "start": 1998,
        "end": 2000,
    }
    # The flags still see every hit, also the one past the first thousand.
    assert body["blocked"] is True and body["needs_review"] is True


def test_the_limit_is_a_setting(api, settings):
    settings.FILTER_MAX_HITS = 2
    word("赌博")
    body = api.post(URL, {"text": "赌博" * 3}, format="json").json()
    assert (len(body["hits"]), body["total"], body["truncated"]) == (2, 3, True)


def test_past_the_rate_429_names_the_limit_and_the_next_minute_is_open(api, settings, staff):
    settings.FILTER_CHECK_RATE = 3
    with time_machine.travel("2026-12-07 10:00:00 +0800", tick=False) as clock:
        for _ in range(3):
            assert api.post(URL, {"text": "无害"}, format="json").status_code == 200
        refused = api.post(URL, {"text": "无害"}, format="json")
        assert refused.status_code == 429
        assert "每人每分钟最多 3 次" in refused.json()["detail"]
        assert refused["Retry-After"]
        # Another user has their own allowance.
        other = APIClient()
        other.force_authenticate(type(staff).objects.create_user("other-user"))
        assert other.post(URL, {"text": "无害"}, format="json").status_code == 200
        clock.shift(61)
        assert api.post(URL, {"text": "无害"}, format="json").status_code == 200


def test_the_bounded_check_lists_what_the_full_check_lists_first():
    word("赌博")
    word("博彩", level=WordLevel.REVIEW)
    word("网上赌博")
    text = "网上賭.博彩票，赌博 网上赌博彩" * 50
    full = wordfilter.check(text)
    for limit in (1, 7, 1000):
        found = wordfilter.check_first(text, limit)
        assert found.hits == full[:limit]
        assert (found.total, found.blocked, found.needs_review) == (len(full), True, True)
