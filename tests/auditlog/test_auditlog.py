"""The audit log (DESIGN.md §5): who logged in, failed, was locked out, exported; who may read it;
and how long it is kept."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from szmz_security.auditlog.models import AuditEvent, AuditPurge
from szmz_security.auditlog.retention import purge_expired, validate_retention_settings
from szmz_security.auditlog.services import record
from szmz_security.auditlog.tasks import purge_expired_task
from tests.factories import PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
CLIENT_IP = "10.12.34.56"
T0 = datetime(2026, 1, 5, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def log_in(client, username, password, **extra):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=CLIENT_IP, **extra
    )


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


# --- log-in, failure, log-out, lockout ------------------------------------------------------------


@pytest.mark.django_db
def test_log_in_is_recorded_with_the_address(client, staff):
    response = log_in(client, "staff", PASSWORD, HTTP_USER_AGENT="Mozilla/5.0 测试浏览器")
    assert response.status_code == 302
    [event] = events(AuditEvent.Kind.LOGIN)
    assert (event.user, event.username, event.ip_address) == (staff, "staff", CLIENT_IP)
    assert (event.outcome, event.log_class) == ("success", "auth")
    assert event.user_agent == "Mozilla/5.0 测试浏览器"


@pytest.mark.django_db
def test_a_failed_log_in_is_recorded_with_the_username_tried(client, staff):
    response = log_in(client, "staff", "wrong-password")
    assert response.status_code == 200  # the form again, with its error
    assert client.session.get("_auth_user_id") is None
    [event] = events(AuditEvent.Kind.LOGIN_FAILED)
    assert (event.username, event.outcome, event.ip_address, event.log_class) == (
        "staff",
        "failure",
        CLIENT_IP,
        "auth",
    )
    assert event.user is None

    log_in(client, "nobody-such", "whatever")
    assert events(AuditEvent.Kind.LOGIN_FAILED)[-1].username == "nobody-such"
    assert not events(AuditEvent.Kind.LOGIN)


@pytest.mark.django_db
def test_log_out_is_recorded(client, staff):
    log_in(client, "staff", PASSWORD)
    response = client.post("/logout/", REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 302
    [event] = events(AuditEvent.Kind.LOGOUT)
    assert (event.user, event.username, event.ip_address) == (staff, "staff", CLIENT_IP)
    assert client.get("/").status_code == 302  # signed out


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_against_the_right_password(client, staff):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "staff", "wrong-password")
    assert len(events(AuditEvent.Kind.LOGIN_FAILED)) >= settings.AXES_FAILURE_LIMIT

    response = log_in(client, "staff", PASSWORD)
    html = response.content.decode()
    assert "账户已暂时锁定" in html
    assert response.status_code in (403, 429)
    assert client.session.get("_auth_user_id") is None
    assert not events(AuditEvent.Kind.LOGIN)

    locked = events(AuditEvent.Kind.LOCKED_OUT)
    assert locked
    assert {(event.username, event.outcome, event.ip_address) for event in locked} == {
        ("staff", "failure", CLIENT_IP)
    }


@pytest.mark.django_db
def test_four_failures_do_not_lock(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "staff", "wrong-password")
    assert log_in(client, "staff", PASSWORD).status_code == 302
    assert not events(AuditEvent.Kind.LOCKED_OUT)


# --- the viewer -----------------------------------------------------------------------------------


@pytest.fixture
def some_events(db, staff):
    record(AuditEvent.Kind.LOGIN, user=staff)
    record(AuditEvent.Kind.LOGIN_FAILED, username="alice", outcome=AuditEvent.Outcome.FAILURE)
    record(AuditEvent.Kind.LOGIN_FAILED, username="bob", outcome=AuditEvent.Outcome.FAILURE)
    record(AuditEvent.Kind.LOGOUT, user=staff)


def listed(response):
    return list(response.context["table"].data)


@pytest.mark.django_db
def test_officers_read_the_log_and_plain_staff_may_not(client, officer, staff, some_events):
    client.force_login(officer)
    response = client.get("/audit-log/")
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()
    assert listed(response) == list(AuditEvent.objects.order_by("-at", "-pk"))  # newest first
    assert {"alice", "bob", "staff", "officer"} <= {event.username for event in listed(response)}

    client.force_login(staff)
    assert client.get("/audit-log/").status_code == 403
    assert client.get("/audit-log/", {"export": "csv"}).status_code == 403
    assert not events(AuditEvent.Kind.EXPORT)


@pytest.mark.django_db
def test_the_log_is_filtered_by_kind_and_searched_by_username(client, officer, some_events):
    client.force_login(officer)
    failed = listed(client.get("/audit-log/", {"kind": "login_failed"}))
    assert {event.username for event in failed} == {"alice", "bob"}
    assert {event.kind for event in failed} == {"login_failed"}

    response = client.get("/audit-log/", {"q": "ali"})
    assert [event.username for event in listed(response)] == ["alice"]
    assert "alice" in response.content.decode()
    assert ">bob<" not in response.content.decode()

    assert [event.kind for event in listed(client.get("/audit-log/", {"q": "staff", "kind": "logout"}))] == [
        "logout"
    ]


@pytest.mark.django_db
def test_exporting_the_log_is_itself_recorded(client, officer, some_events):
    client.force_login(officer)
    response = client.get("/audit-log/", {"kind": "login_failed", "export": "csv"}, REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 2  # header and the two failures
    assert {row[3] for row in rows[1:]} == {"alice", "bob"}

    [export] = events(AuditEvent.Kind.EXPORT)
    assert (export.user, export.ip_address, export.log_class) == (officer, CLIENT_IP, "export")
    assert export.detail["model"] == "auditlog.AuditEvent"
    assert "kind=login_failed" in export.detail["query"]


# --- retention ------------------------------------------------------------------------------------


def test_a_retention_below_the_floor_is_refused_in_chinese():
    with pytest.raises(ImproperlyConfigured) as error:
        validate_retention_settings({"auth": 30, "access": 180}, 60)
    message = str(error.value)
    assert "审计日志保存期限不得少于 60 天" in message
    assert "auth=30天" in message
    assert "access" not in message.split("：", 1)[1].split("。", 1)[0]  # only the offending class is named
    validate_retention_settings({"auth": 60, "access": 180}, 60)  # the floor itself is allowed


def project_env(**overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUDIT_RETENTION_DAYS")}
    env.update(overrides)
    env.setdefault("VAR_DIR", str(settings.VAR_DIR))
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("variable", ["AUDIT_RETENTION_DAYS", "AUDIT_RETENTION_DAYS_EXPORT"])
def test_the_portal_refuses_to_start_with_a_retention_below_60_days(variable):
    result = manage("check", env=project_env(**{variable: "30"}))
    assert result.returncode != 0
    assert "审计日志保存期限不得少于 60 天" in result.stderr


def test_the_default_retention_meets_the_cybersecurity_law():
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.AUDIT_RETENTION_DAYS))"
    )
    env = project_env(DJANGO_SETTINGS_MODULE="szmz_security.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    retention = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(retention) == {"auth", "access", "export", "system"}
    assert min(retention.values()) >= 180  # 网络安全法 第二十一条: at least six months


# --- purge ----------------------------------------------------------------------------------------


@pytest.fixture
def retention(settings):
    settings.AUDIT_RETENTION_DAYS = {"auth": 180, "access": 180, "export": 365, "system": 180}
    settings.AUDIT_PURGE_BATCH = 3
    return settings.AUDIT_RETENTION_DAYS


def deletes(queries):
    return [q for q in queries if q["sql"].startswith('DELETE FROM "auditlog_auditevent"')]


@pytest.mark.django_db
def test_events_past_retention_are_purged_in_batches_and_the_purge_recorded(retention):
    with time_machine.travel(T0, tick=False) as clock:
        old = []
        for minute in range(10):
            clock.move_to(T0 + timedelta(minutes=minute))
            old.append(
                record(
                    AuditEvent.Kind.LOGIN_FAILED, username=f"u{minute}", outcome=AuditEvent.Outcome.FAILURE
                )
            )
        old_export = record(AuditEvent.Kind.EXPORT, username="officer")  # export logs are kept 365 days
        clock.move_to(T0 + timedelta(days=1))
        boundary = record(AuditEvent.Kind.LOGIN, username="boundary")
        clock.move_to(T0 + timedelta(days=179))
        recent = record(AuditEvent.Kind.LOGOUT, username="recent")

        clock.move_to(T0 + timedelta(days=181))
        with CaptureQueriesContext(connection) as queries:
            purges = purge_expired()

    assert len(deletes(queries.captured_queries)) == 4
    [purge] = purges
    assert AuditPurge.objects.get() == purge
    assert (purge.log_class, purge.retention_days, purge.deleted, purge.batches) == ("auth", 180, 10, 4)
    assert purge.cutoff == T0 + timedelta(days=1)
    assert (purge.oldest_deleted_at, purge.newest_deleted_at) == (T0, T0 + timedelta(minutes=9))
    assert purge.started_at == T0 + timedelta(days=181)

    assert not AuditEvent.objects.filter(pk__in=[event.pk for event in old]).exists()
    kept = set(AuditEvent.objects.exclude(kind=AuditEvent.Kind.CHECKPOINT).values_list("pk", flat=True))
    assert kept == {old_export.pk, boundary.pk, recent.pk}
    # The purge left a checkpoint naming the last purged event, so the chain still verifies.
    [checkpoint] = AuditEvent.objects.filter(kind=AuditEvent.Kind.CHECKPOINT)
    assert (checkpoint.log_class, checkpoint.detail["through_id"]) == ("auth", old[-1].pk)
    assert checkpoint.detail["through_hash"] == old[-1].hash


@pytest.mark.django_db
def test_a_second_purge_deletes_and_records_nothing(retention):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            record(AuditEvent.Kind.LOGIN, username="someone")
        clock.move_to(T0 + timedelta(days=200))
        assert purge_expired_task() == {"auth": 4}
        with CaptureQueriesContext(connection) as queries:
            assert purge_expired() == []
    assert not deletes(queries.captured_queries)
    assert AuditPurge.objects.count() == 1


@pytest.mark.django_db
def test_the_purge_refuses_a_retention_below_the_floor(settings):
    settings.AUDIT_RETENTION_DAYS = {"auth": 30, "access": 180, "export": 180, "system": 180}
    with time_machine.travel(T0, tick=False) as clock:
        event = record(AuditEvent.Kind.LOGIN, username="someone")
        clock.move_to(T0 + timedelta(days=45))
        with pytest.raises(ImproperlyConfigured):
            purge_expired()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert not AuditPurge.objects.exists()


@pytest.mark.django_db
def test_the_viewer_shows_retention_and_the_last_purge(client, officer, retention):
    with time_machine.travel(T0, tick=False) as clock:
        record(AuditEvent.Kind.LOGIN, username="someone")
        clock.move_to(T0 + timedelta(days=200))
        purge_expired()
    client.force_login(officer)
    html = client.get("/audit-log/").content.decode()
    assert "登录日志 180 天" in html
    assert "导出与打印日志 365 天" in html
    assert "最近清理" in html
    assert "登录日志 1 条" in html
