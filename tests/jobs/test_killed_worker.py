"""A worker process killed (SIGKILL) in the middle of an inspection report: the stale sweep
re-sends the job and a fresh worker finishes it; killed too often, it fails with a message. Real
worker processes over the real broker (eager mode is not a test of Celery)."""

import os
import signal
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from szmz_security.celery import app
from szmz_security.compliance.models import InspectionReport
from szmz_security.compliance.tasks import KIND
from szmz_security.core.tasks import send_task_now
from szmz_security.jobs import services as jobs
from szmz_security.jobs.models import Job
from tests.integration.test_celery_worker import BASE_DIR, CELERY, WAIT_SECONDS, worker_database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class WorkerProcess:
    """``celery worker`` in a process group of its own, so it can be killed like a crashed host
    would lose it: the main process and its children at once, no chance to clean up."""

    def __init__(self, tmp_path, queue, name, include=None):
        self.log_path = tmp_path / f"{name}.log"
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
        command = [str(CELERY), "-A", "szmz_security", "worker", "--pool=prefork", "--concurrency=1"]
        command += ["-l", "info", "-Q", queue, "-n", f"{name}-{queue}@%h"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if include:
            command += ["--include", include]
        with self.log_path.open("w") as log_file:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition, what):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            assert self.process.poll() is None, f"the worker exited before {what}:\n{self.log()}"
            time.sleep(0.5)  # waiting for a real process, not for a deadline
        pytest.fail(f"the worker did not {what} within {WAIT_SECONDS} s:\n{self.log()}")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        print(f"---- {self.log_path.name} ----\n{self.log()}")


@pytest.fixture
def workers(tmp_path, monkeypatch):
    """Start workers on a queue of this test's own; everything the test process sends (the
    sweep's re-sends included) goes to that queue."""
    queue = f"itest-jobs-{uuid.uuid4().hex[:12]}"
    send_task = app.send_task
    monkeypatch.setattr(
        app, "send_task", lambda name, *args, **kwargs: send_task(name, *args, **{**kwargs, "queue": queue})
    )
    started = []

    def start(name, include=None):
        started.append(WorkerProcess(tmp_path, queue, name, include))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def request_report(officer, max_attempts):
    today = timezone.localdate()
    report = InspectionReport.objects.create(
        period_start=today - timedelta(days=30), period_end=today, requested_by=officer
    )
    job = Job.objects.create(
        kind=KIND, subject=report, requested_by=officer, total=100, max_attempts=max_attempts
    )
    return report, job


def kill_mid_build(start, job, name, send=True):
    """A worker takes the job (sent now, or re-sent by the sweep), reports its first step, and is
    killed (SIGKILL to its process group)."""
    worker = start(name, include="tests.jobs.slow_build")
    before = Job.objects.get(pk=job.pk).attempts
    if send:
        assert send_task_now(jobs.RUN_TASK, job.pk)
    worker.wait_for(
        lambda: Job.objects.filter(pk=job.pk, attempts=before + 1, message="测试：构建中途挂起").exists(),
        "start the build",
    )
    worker.kill()
    job.refresh_from_db()
    assert (job.state, InspectionReport.objects.get(pk=job.subject_id).state) == ("running", "running")


def sweep(minutes):
    """The minute beat, once the dead worker's heartbeat is older than JOB_STALE_MINUTES."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True):
        return jobs.requeue_stale()


def test_a_killed_worker_s_report_is_finished_by_a_fresh_worker(workers, officer):
    report, job = request_report(officer, max_attempts=3)
    kill_mid_build(workers, job, "doomed")
    assert sweep(minutes=settings.JOB_STALE_MINUTES - 1) == {"requeued": [], "failed": []}

    assert sweep(minutes=settings.JOB_STALE_MINUTES + 1) == {"requeued": [job.pk], "failed": []}
    fresh = workers("fresh")
    fresh.wait_for(lambda: Job.objects.filter(pk=job.pk, state="done").exists(), "finish the report")
    job.refresh_from_db()
    report.refresh_from_db()
    assert (job.attempts, job.percent) == (2, 100)
    assert report.state == InspectionReport.State.DONE and report.pages >= 1 and report.file


def test_a_report_whose_workers_keep_dying_fails_with_a_message(workers, officer):
    report, job = request_report(officer, max_attempts=2)
    kill_mid_build(workers, job, "first")
    assert sweep(minutes=settings.JOB_STALE_MINUTES + 1)["requeued"] == [job.pk]
    kill_mid_build(workers, job, "second", send=False)  # takes the re-sent message, and dies too
    assert sweep(minutes=2 * settings.JOB_STALE_MINUTES + 2) == {"requeued": [], "failed": [job.pk]}

    message = "工作进程中断，已重试 2 次仍未完成，请重新提交"
    job.refresh_from_db()
    report.refresh_from_db()
    assert (job.state, job.message) == ("failed", message)
    assert (report.state, report.error) == (InspectionReport.State.FAILED, message)
