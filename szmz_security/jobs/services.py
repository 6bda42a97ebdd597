"""The one mechanism for long-running work (DESIGN.md §9).

A feature registers a *kind*: the function that does the work for one subject, and the function
that records on the subject that it will never finish. It then calls ``start`` (or ``run_inline``
for small work done in the request). Everything else is uniform:

- ``start`` creates the ``Job`` row and enqueues ``jobs.run`` after commit;
- ``claim`` takes a queued job with a compare-and-set, so a redelivered or doubled message runs it
  once; the runner beats the heartbeat from a thread while the work runs, and ``progress`` beats it
  too;
- ``complete`` / ``fail`` finish it; an exception in the work fails it with the reason;
- ``requeue_stale`` (beat, every minute) re-sends a job whose heartbeat went stale — the worker was
  killed or the message was lost — until ``max_attempts`` runs, then fails it with a clear message.
"""

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from szmz_security.core.tasks import enqueue_on_commit

from .models import Job

logger = logging.getLogger(__name__)

RUN_TASK = "jobs.run"
INTERRUPTED = "工作进程中断，已重试 {attempts} 次仍未完成，请重新提交"


# --- kinds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    # run(job, subject) does the work, calling progress(job, …); returns the final message.
    run: Callable
    # failed(subject, message, error) marks the subject as not finished: error is the exception
    # when the work raised, None when the job was given up (worker killed too often).
    failed: Callable


KINDS = {}


def register(name, *, failed):
    """Decorator for the function that runs one job of kind ``name``."""

    def decorator(run):
        KINDS[name] = Kind(run=run, failed=failed)
        return run

    return decorator


def kind(name):
    if name not in KINDS:
        autodiscover_modules("tasks")  # kinds are registered in each app's tasks module
    return KINDS[name]


# --- starting ---------------------------------------------------------------------------------------


def create(kind_name, subject, *, by=None, total=0, message=""):
    return Job.objects.create(
        kind=kind_name,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        requested_by=by,
        total=total,
        message=message,
    )


def start(kind_name, subject, *, by=None, total=0):
    """A queued job for ``subject``, sent to the worker once the transaction commits."""
    job = create(kind_name, subject, by=by, total=total)
    enqueue_on_commit(RUN_TASK, job.pk)
    return job


def run_inline(kind_name, subject, *, by=None, total=0):
    """Small work done in the request, recorded as a job all the same."""
    job = create(kind_name, subject, by=by, total=total)
    run(job.pk, beating=False)
    job.refresh_from_db()
    return job


# --- the API for the work itself --------------------------------------------------------------------


def claim(job_id):
    """Take a queued job (compare-and-set); None when another run has it or it is finished."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        attempts=F("attempts") + 1,
        done=0,
        heartbeat_at=now,
        started_at=now,
        message="",
    )
    return Job.objects.get(pk=job_id) if claimed else None


def progress(job, done, total=None, message=None):
    """Record how far the job got; also a heartbeat. Written outside any transaction of the work
    so that the page sees it."""
    job.done = done
    changes = {"done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        job.total = changes["total"] = total
    if message is not None:
        job.message = changes["message"] = message[:300]
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(**changes)


def complete(job, message=""):
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.DONE, done=F("total"), message=message[:300], heartbeat_at=now, finished_at=now
    )


def fail(job, message, error=None):
    """Fail a running job and tell its subject, once (compare-and-set)."""
    now = timezone.now()
    with transaction.atomic():
        failed = Job.objects.filter(pk=job.pk, state=job.state).update(
            state=Job.State.FAILED, message=message[:300], heartbeat_at=now, finished_at=now
        )
        if failed:
            kind(job.kind).failed(job.subject, message, error)
    return bool(failed)


@contextmanager
def heartbeat(job_id):
    """Beat the heartbeat every JOB_HEARTBEAT_SECONDS while the work runs, from a thread of the
    worker process: a long step without progress() is not mistaken for a dead worker, and a
    killed worker stops beating."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 - a missed beat must not end the work; the next one may pass
                    logger.warning("job %s: heartbeat not recorded", job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run(job_id, beating=True):
    """Run one job (the body of the ``jobs.run`` task); None when it was not claimable."""
    job = claim(job_id)
    if job is None:
        return None
    handler = kind(job.kind)
    subject = job.subject
    try:
        with heartbeat(job.pk) if beating else nullcontext():
            message = handler.run(job, subject)
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the job and its subject
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        fail(job, f"{type(error).__name__}: {error}", error)
        return Job.State.FAILED
    complete(job, message or "")
    return Job.State.DONE


# --- the stale sweep --------------------------------------------------------------------------------


def requeue_stale(now=None, limit=100):
    """Beat, every minute: a queued or running job whose heartbeat is older than
    JOB_STALE_MINUTES is sent again while it has runs left, else failed with a message. Each
    change is a compare-and-set on (state, heartbeat_at), so a doubled beat acts once."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    stale = Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING], heartbeat_at__lt=cutoff)
    requeued, failed = [], []
    for job in stale.order_by("heartbeat_at")[:limit]:
        same = Job.objects.filter(pk=job.pk, state=job.state, heartbeat_at=job.heartbeat_at)
        if job.state == Job.State.QUEUED or job.attempts < job.max_attempts:
            # A queued job's message was lost (broker down); a running one's worker died.
            if same.update(state=Job.State.QUEUED, heartbeat_at=now):
                enqueue_on_commit(RUN_TASK, job.pk)
                requeued.append(job.pk)
            continue
        message = INTERRUPTED.format(attempts=job.attempts)
        with transaction.atomic():
            if same.update(state=Job.State.FAILED, message=message, heartbeat_at=now, finished_at=now):
                kind(job.kind).failed(job.subject, message, None)
                failed.append(job.pk)
    if requeued or failed:
        logger.warning("stale jobs: re-queued %s, failed %s", requeued, failed)
    return {"requeued": requeued, "failed": failed}
