"""While the work runs, the worker beats the job's heartbeat from a thread, so a long step that
reports no progress is not taken for a dead worker by the stale sweep."""

import time

import pytest
from django.contrib.auth import get_user_model

from szmz_security.jobs import services as jobs
from szmz_security.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection

WAIT_SECONDS = 20


def no_failure(subject, message, error):
    raise AssertionError(f"the job failed: {message}")


@jobs.register("tests.long_step", failed=no_failure)
def long_step(job, subject):
    """A step without progress(): returns once the heartbeat thread has beaten."""
    claimed_beat = Job.objects.get(pk=job.pk).heartbeat_at
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if Job.objects.get(pk=job.pk).heartbeat_at > claimed_beat:
            return "beaten"
        time.sleep(0.05)  # waiting for the real thread
    return "no heartbeat"


def test_the_heartbeat_is_beaten_during_a_long_step(officer, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.1
    job = jobs.create("tests.long_step", get_user_model().objects.get(pk=officer.pk), by=officer)
    assert jobs.run(job.pk) == Job.State.DONE
    job.refresh_from_db()
    assert (job.state, job.message) == (Job.State.DONE, "beaten")
