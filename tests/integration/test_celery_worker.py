"""A real Celery worker process runs the sweep against the test database (DESIGN.md §3, pitfall 3:
eager mode is not a test of Celery), and a broker outage never fails the user's request.

The worker gets the same broker as the test process (settings.CELERY_BROKER_URL: Redis in CI, the
filesystem transport under VAR_DIR locally) and a DATABASE_URL naming the test database. It
listens on a queue of its own, so that no other worker sharing the broker can take these tasks.
"""

import logging
import os
import runpy
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from szmz_security.celery import app
from szmz_security.core.tasks import send_task_now
from szmz_security.obligations import services
from szmz_security.obligations.models import Notification, NotificationReceipt, Obligation
from tests.notifications import deliveries

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = BASE_DIR / ".venv" / "bin" / "celery"
WAIT_SECONDS = 60
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def worker_database_url():
    """The test database as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = Path(db["NAME"])
        assert name.is_absolute() and name.suffix == ".sqlite3", "the test database must be a file"
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"
    pytest.skip(f"no worker test for {connection.vendor}")


class Worker:
    def __init__(self, process, log_path, queue):
        self.process = process
        self.log_path = log_path
        self.queue = queue

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def send(self, name):
        return app.send_task(name, queue=self.queue).id

    def wait_for(self, condition, what):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            assert self.process.poll() is None, f"the worker exited ({self.process.returncode}) before {what}"
            time.sleep(0.5)  # waiting for a real process, not for a deadline
        pytest.fail(f"the worker did not {what} within {WAIT_SECONDS} s")

    def wait_until_done(self, task_id, name):
        self.wait_for(lambda: f"Task {name}[{task_id}] succeeded" in self.log(), f"finish {name}[{task_id}]")


@pytest.fixture
def worker(transactional_db, tmp_path):
    queue = f"itest-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "szmz_security.settings",
        "DATABASE_URL": worker_database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "VAR_DIR": str(settings.VAR_DIR),
        "EMAIL_URL": "consolemail://",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "szmz_security",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-l",
                "info",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    running = Worker(process, log_path, queue)
    try:
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        # Shown by pytest only when the test failed.
        print(f"---- worker log ({log_path}) ----\n{running.log()}")


def test_a_real_worker_runs_the_sweep_once_and_delivers_the_mail(worker, department, officer, head, staff):
    obligation = services.create_obligation(
        title="安全事件24小时内报公安机关",
        kind="incident.police_report",
        clause="市民政局制度 第三章第4条",
        due_at=timezone.now() + timedelta(hours=24),
        department=department,
        assignee=staff,
    )
    owners = {officer.pk, head.pk, staff.pk}

    first = worker.send("obligations.sweep")
    worker.wait_for(
        lambda: Notification.objects.filter(obligation=obligation).exists(),
        "send the reminders",
    )
    worker.wait_until_done(first, "obligations.sweep")
    sent = deliveries(Notification.objects.filter(obligation=obligation), by="pk")
    assert sorted(sent) == sorted((pk, "created") for pk in owners)
    assert Obligation.objects.get(pk=obligation.pk).last_stage_index == 0

    second = worker.send("obligations.sweep")
    worker.wait_until_done(second, "obligations.sweep")
    assert f"obligations.sweep[{second}] succeeded" in worker.log()
    assert sorted(deliveries(Notification.objects.filter(obligation=obligation), by="pk")) == sorted(sent)

    # E-mail goes out from the worker too, once.
    for _ in range(2):
        worker.wait_until_done(worker.send("obligations.deliver_email"), "obligations.deliver_email")
    assert set(NotificationReceipt.objects.values_list("email_status", flat=True)) == {"sent"}
    assert NotificationReceipt.objects.count() == len(owners)
    log = worker.log()
    for user in (officer, head, staff):  # the console e-mail backend writes each message to the log
        assert log.count(f"To: {user.email}") == 1


# --- the broker is down -----------------------------------------------------------------------------


class Hung(BaseException):
    """Not an Exception, so that neither kombu's retry loop nor send_task_now swallows it."""


@contextmanager
def alarm(seconds):
    """Interrupt a hang (kombu retries a connection forever without max_retries) instead of
    blocking the suite."""

    def expire(signum, frame):
        raise Hung(f"enqueueing with the broker down still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def environment(**variables):
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update({name: value for name, value in variables.items() if value is not None})
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def network_broker_settings(url):
    """The Celery settings settings.py derives for a network broker URL (evaluated afresh)."""
    with environment(CELERY_BROKER_URL=url):
        return runpy.run_path(str(BASE_DIR / "szmz_security" / "settings.py"), run_name="settings_probe")


@contextmanager
def broker_pointed_at(url):
    """Point the project's Celery app at another broker, with the transport options settings.py
    gives that kind of URL, and put everything back afterwards."""
    derived = network_broker_settings(url)
    keys = ("broker_url", "broker_transport_options", "broker_connection_timeout")
    saved_conf = {key: app.conf[key] for key in keys}
    saved_pools = (app._pool, app.amqp._producer_pool)
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    with environment(CELERY_BROKER_URL=url, CELERY_BROKER_WRITE_URL=None):
        app.conf.update(
            broker_url=url,
            broker_transport_options=derived["CELERY_BROKER_TRANSPORT_OPTIONS"],
            broker_connection_timeout=derived["CELERY_BROKER_CONNECTION_TIMEOUT"],
        )
        app._pool = None
        app.amqp._producer_pool = None
        try:
            target = app.connection_for_write()
            assert (target.transport_cls, target.hostname, target.port) == ("redis", "127.0.0.1", 1)
            yield
        finally:
            if app._pool is not None:
                app._pool.force_close_all()
            app.conf.update(saved_conf)
            app._pool, app.amqp._producer_pool = saved_pools


def test_with_the_broker_down_the_request_still_succeeds(department, officer, caplog):
    caplog.set_level(logging.WARNING, logger="szmz_security.core.tasks")
    with broker_pointed_at(DEAD_BROKER), alarm(15):
        started = time.monotonic()
        with transaction.atomic():
            obligation = services.create_obligation(
                title="月度IP/MAC核查",
                kind="assets.reconciliation",
                clause="市民政局制度 第五章第3条",
                due_at=timezone.now() + timedelta(days=3),
                department=department,
            )
        elapsed = time.monotonic() - started
        assert send_task_now("obligations.sweep") is False

    assert elapsed < 5, f"enqueueing with the broker down took {elapsed:.1f} s"
    assert Obligation.objects.filter(pk=obligation.pk, state=Obligation.State.OPEN).exists()
    assert "could not enqueue obligations.sweep" in caplog.text
    assert app.conf.broker_url == settings.CELERY_BROKER_URL  # restored

    # Nothing is lost: the next sweep (beat, once the broker is back) sends the reminder.
    services.sweep()
    assert Notification.objects.for_user(officer).filter(obligation=obligation, stage="created").exists()
