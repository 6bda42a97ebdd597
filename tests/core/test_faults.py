"""The portal survives its faults (issue #13, "Faults"): a record still referenced answers 409
naming what refers to it, /healthz/ names the dependency that is down (real Redis stopped), a
PostgreSQL restart does not fail the next request, and a production portal without its collected
static files refuses to start."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import ProtectedError
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from assets.models import MachineRoom, RoomAccess
from szmz_security.core.checks import static_manifest_check
from szmz_security.core.errors import conflict_message, dependents
from tests.assets.factories import AssetFactory, MacAddressFactory, MachineRoomFactory

BASE_DIR = Path(settings.BASE_DIR)


# --- a record still referenced: 409, not 500 ----------------------------------------------------------


@pytest.fixture
def room_with_visits(department, head, officer):
    room = MachineRoomFactory(department=department, responsible=head, name="中心机房")
    now = timezone.now()
    for visitor in ("周工", "吴工"):
        RoomAccess.objects.create(
            room=room,
            visitor=visitor,
            organisation="运维公司",
            purpose="巡检",
            approved_by=officer,
            approved_at=now - timedelta(hours=2),
            entered_at=now - timedelta(hours=1),
            recorded_by=officer,
        )
    return room


@pytest.mark.django_db
def test_deleting_a_room_with_access_records_answers_409_naming_them(client, officer, room_with_visits):
    client.force_login(officer)
    response = client.delete(f"/api/machine-rooms/{room_with_visits.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("该记录仍被其他记录引用，不能删除：机房出入登记 2 条")
    assert "“周工（运维公司）”" in body["detail"] and "“吴工（运维公司）”" in body["detail"]
    assert body["dependent_count"] == 2
    assert {(row["model"], row["repr"]) for row in body["dependents"]} == {
        ("assets.roomaccess", "周工（运维公司）"),
        ("assets.roomaccess", "吴工（运维公司）"),
    }
    assert MachineRoom.objects.filter(pk=room_with_visits.pk).exists()


@pytest.mark.django_db
def test_deleting_an_unreferenced_room_still_works(client, officer, department, head):
    room = MachineRoomFactory(department=department, responsible=head)
    client.force_login(officer)
    assert client.delete(f"/api/machine-rooms/{room.pk}/").status_code == 204


@pytest.mark.django_db
def test_the_delete_page_explains_in_chinese_what_still_refers_to_the_record(client, officer, department):
    asset = AssetFactory(department=department)
    mac = MacAddressFactory(asset=asset, mac="02:00:00:aa:bb:cc")
    client.force_login(officer)
    page = f"/assets/{asset.pk}/delete/"
    response = client.post(page, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 409
    html = response.content.decode()
    assert "该记录仍被其他记录引用，不能删除：MAC 地址 1 条（“02-00-00-AA-BB-CC”）" in html
    assert str(mac) in html and f'href="http://testserver{page}"' in html
    assert asset.__class__.objects.filter(pk=asset.pk).exists()


@pytest.mark.django_db
def test_an_off_site_referer_is_not_offered_as_the_way_back(client, officer, department):
    asset = AssetFactory(department=department)
    MacAddressFactory(asset=asset)
    client.force_login(officer)
    response = client.post(f"/assets/{asset.pk}/delete/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 409
    assert "evil.example" not in response.content.decode()


@pytest.mark.django_db
def test_dependents_the_user_may_not_see_are_counted_not_named(department, outsider, officer):
    mac = MacAddressFactory(asset=AssetFactory(department=department), mac="02:00:00:aa:bb:dd")
    error = ProtectedError("still referenced", {mac})
    assert dependents(error, outsider) == ([], 1)  # another department's MAC
    message = conflict_message(error, outsider)
    assert "另有 1 条您无权查看的记录" in message and "02-00-00-AA-BB-DD" not in message
    assert dependents(error, officer)[0][0]["repr"] == "02-00-00-AA-BB-DD"


# --- /healthz/ --------------------------------------------------------------------------------------


@pytest.fixture
def beat_ran(db):
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    return PeriodicTask.objects.create(
        name="obligations-sweep",
        task="obligations.sweep",
        interval=every_minute,
        last_run_at=timezone.now() - timedelta(seconds=50),
    )


def health(client):
    response = client.get("/healthz/")
    return response.status_code, response.json()


def test_healthz_names_every_check_when_healthy(client, beat_ran):
    status, body = health(client)
    assert status == 200, body
    assert body["checks"] == {"database": "ok", "broker": "ok", "cache": "ok", "beat": "ok"}
    assert body["failing"] == []


def test_healthz_answers_503_naming_an_unreachable_broker(client, beat_ran, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    status, body = health(client)
    assert status == 503
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == body["checks"]["cache"] == "ok"


def test_healthz_answers_503_when_beat_has_stopped(client, beat_ran):
    PeriodicTask.objects.filter(pk=beat_ran.pk).update(last_run_at=timezone.now() - timedelta(hours=1))
    status, body = health(client)
    assert (status, body["failing"]) == (503, ["beat"])
    assert "obligations-sweep 已 3" in body["checks"]["beat"]  # about 3600 seconds

    PeriodicTask.objects.filter(pk=beat_ran.pk).update(last_run_at=None)
    assert "从未运行" in health(client)[1]["checks"]["beat"]


def test_healthz_answers_503_when_the_database_is_down(client, settings, beat_ran, monkeypatch):
    """A real failure: the connection points at a port where no database listens."""
    from szmz_security.core import health as health_module

    dead = dict(connection.settings_dict)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if connection.vendor == "sqlite":
        dead["NAME"] = "/nonexistent-directory/db.sqlite3"
    else:
        dead.update(HOST="127.0.0.1", PORT=port)
    real = connections[DEFAULT_DB_ALIAS]
    broken = type(real)(dead, alias=real.alias)
    monkeypatch.setattr(health_module, "connection", broken)
    status, body = health(client)
    assert status == 503
    assert body["failing"] == ["database"]
    assert body["checks"]["beat"] == "未检查：数据库不可用"
    assert body["checks"]["database"].startswith("失败：OperationalError")
    assert "127.0.0.1" not in json.dumps(body)  # the public page does not echo driver messages


@pytest.fixture
def own_redis():
    """A throwaway redis-server of our own (never the shared one), on a free port in a temp dir."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="szmz-redis-")
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}"
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def test_healthz_names_redis_once_it_is_really_stopped(client, beat_ran, settings, own_redis):
    process, url = own_redis
    settings.CELERY_BROKER_URL = f"{url}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"{url}/1"}
    }
    status, body = health(client)
    assert (status, body["failing"]) == (200, [])

    process.send_signal(signal.SIGTERM)  # Redis goes down
    process.wait(timeout=10)
    status, body = health(client)
    assert status == 503
    assert body["failing"] == ["broker", "cache"]
    assert body["checks"]["database"] == body["checks"]["beat"] == "ok"


# --- PostgreSQL restarted under the portal ----------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.django_db(transaction=True)
def test_the_next_request_succeeds_after_postgresql_ended_the_portals_connections(beat_ran, tmp_path):
    """A real gunicorn keeps its connection between requests (CONN_MAX_AGE); PostgreSQL ends it
    (pg_terminate_backend, as a restart would); the next request still answers. The test client
    cannot show this: it switches off the per-request connection handling that does it."""
    if connection.vendor != "postgresql":
        pytest.skip("terminating backends needs PostgreSQL")
    from tests.integration.test_celery_worker import worker_database_url

    port = free_port()
    env = {**os.environ, "DATABASE_URL": worker_database_url(), "DEBUG": "True", "CONN_MAX_AGE": "60"}
    env["VAR_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "szmz_security.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/healthz/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                first = get_json(url)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        assert first[0] == 200 and first[1]["checks"]["database"] == "ok", first

        database = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:  # a second connection: the test's own, not the portal's
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [database],
            )
            assert cursor.fetchone()[0] >= 1  # gunicorn's kept connection

        status, body = get_json(url)
        assert (status, body["checks"]["database"]) == (200, "ok"), body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# --- production without collected static files --------------------------------------------------------


MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_missing_static_manifest_is_an_error_in_production(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    [error] = static_manifest_check()
    assert error.id == "szmz.E001"
    assert f"静态文件清单 {tmp_path / 'staticfiles.json'} 不存在" in error.msg
    assert "collectstatic" in error.hint

    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert static_manifest_check() == []


def test_development_needs_no_manifest(settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path
    assert static_manifest_check() == []


def test_gunicorn_refuses_to_load_the_portal_without_static_files(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        DEBUG="False",
        SECRET_KEY="x" * 64,
        ALLOWED_HOSTS="portal.szmz.example",
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        DJANGO_SETTINGS_MODULE="szmz_security.settings",
    )
    load = [sys.executable, "-c", "import szmz_security.wsgi"]
    result = subprocess.run(load, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "静态文件清单" in result.stderr

    manifest = tmp_path / "var" / "staticfiles" / "staticfiles.json"
    manifest.write_text('{"paths": {}, "version": "1.1"}')
    result = subprocess.run(load, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
