"""Filing an incident never depends on the broker or the cache (issue 3, "Reliability").

With either one unreachable the incident and the reports it owes are saved, through the service
and through POST /api/incidents/; the reminders are rows that the next sweep sends once it runs
again. The broker is pointed at a port nothing listens on, the way
tests/integration/test_celery_worker.py does it, and put back afterwards.
"""

import importlib
import logging
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from incidents import services
from incidents.models import Incident, ReportingRule
from szmz_security.celery import app
from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Notification, Obligation
from tests.integration.test_celery_worker import DEAD_BROKER, alarm, broker_pointed_at
from tests.notifications import deliveries

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
OWED = {"公安机关", "保密机关", "个人信息保护监管部门及受影响个人"}


@pytest.fixture
def reporting_rules(transactional_db):
    """A transactional test starts from a flushed database: post_migrate brings back content types
    and roles, but not the reporting rules the data migration seeded. Seed them again. (Not
    serialized_rollback: its teardown leaves the database empty, without even the roles, for
    the transactional tests that follow, e.g. tests/integration.)"""
    if not ReportingRule.objects.exists():
        importlib.import_module("incidents.migrations.0003_reporting_rules").seed(apps, None)


def report(department, staff):
    return Incident(
        title="内网终端中勒索病毒",
        description="文件被加密，屏幕出现勒索信息",
        discovered_at=timezone.now() - timedelta(hours=1),
        department=department,
        reported_by=staff,
        category="malware",
        subcategory="malware.ransomware",
        crime_suspected=True,
        secret_leak=True,
        personal_info_involved=True,
        personal_info_count=5000,
    )


def api_payload(incident):
    return {
        "title": incident.title,
        "description": incident.description,
        "discovered_at": incident.discovered_at.isoformat(),
        "category": incident.category,
        "subcategory": incident.subcategory,
        "crime_suspected": True,
        "secret_leak": True,
        "personal_info_involved": True,
        "personal_info_count": 5000,
    }


def file(how, client, department, staff):
    incident = report(department, staff)
    if how == "service":
        return services.file_incident(incident)
    client.force_login(staff)
    response = client.post("/api/incidents/", api_payload(incident), content_type="application/json")
    assert response.status_code == 201, response.content
    assert {row["authority"] for row in response.json()["obligations"]} == OWED
    return Incident.objects.get(pk=response.json()["id"])


def assert_saved_and_later_reminded(incident, officer, secrecy, head):
    assert Incident.objects.filter(pk=incident.pk).exists()
    owed = Obligation.objects.filter(subject_id=incident.pk, state=Obligation.State.OPEN)
    assert set(owed.values_list("authority", flat=True)) == OWED
    assert not Notification.objects.exists()  # nothing was sent while the service was down

    # The next sweep (beat, once things are back) sends what is due: nothing was lost.
    obligations.sweep()
    for obligation in owed:
        told = set(deliveries(Notification.objects.filter(obligation=obligation)))
        assert ("officer", "created") in told
        assert ("head", "created") not in told  # a leak: need-to-know
    secrecy_report = owed.get(authority="保密机关")
    assert Notification.objects.for_user(secrecy).filter(obligation=secrecy_report).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["service", "api"])
def test_filing_with_the_broker_down(
    reporting_rules, client, department, staff, head, officer, secrecy, caplog, how
):
    """Transactional, so that the enqueue really runs after the commit, as in production."""
    caplog.set_level(logging.WARNING, logger="szmz_security.core.tasks")
    with broker_pointed_at(DEAD_BROKER), alarm(30):
        started = time.monotonic()
        incident = file(how, client, department, staff)
        elapsed = time.monotonic() - started
    assert elapsed < 15, f"filing with the broker down took {elapsed:.1f} s"
    assert "could not enqueue obligations.sweep" in caplog.text
    assert app.conf.broker_url == settings.CELERY_BROKER_URL  # restored
    assert_saved_and_later_reminded(incident, officer, secrecy, head)


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}
    }
    with pytest.raises(Exception, match="(?i)connect"):
        cache.set("probe", 1)  # the cache really is unreachable


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["service", "api"])
def test_filing_with_the_cache_down(
    client, department, staff, head, officer, secrecy, cache_down, django_capture_on_commit_callbacks, how
):
    # Not executed: the broker is up here, and this test is about the cache.
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        incident = file(how, client, department, staff)
    assert enqueued, "the sweep is still asked for after the commit"
    assert_saved_and_later_reminded(incident, officer, secrecy, head)


@pytest.mark.django_db(transaction=True)
def test_filing_with_the_broker_and_the_cache_down(
    reporting_rules, client, department, staff, head, officer, secrecy, settings
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}
    }
    with broker_pointed_at(DEAD_BROKER), alarm(30):
        incident = file("api", client, department, staff)
    assert_saved_and_later_reminded(incident, officer, secrecy, head)
