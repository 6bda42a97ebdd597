"""The one mechanism for long jobs (DESIGN.md §9): claimed once, progress and heartbeat, and the
minute sweep that re-sends a job whose worker died or fails it with a message after the limit —
never 生成中 for ever."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from szmz_security.compliance.models import InspectionReport
from szmz_security.compliance.tasks import KIND
from szmz_security.jobs import services as jobs
from szmz_security.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The job ids sent to the broker (after commit)."""
    messages = []
    monkeypatch.setattr(
        "szmz_security.core.tasks.send_task_now", lambda name, *args: messages.append((name, *args))
    )
    return messages


def requested_report(user, **job):
    today = timezone.localdate()
    report = InspectionReport.objects.create(
        period_start=today - timedelta(days=30), period_end=today, requested_by=user
    )
    Job.objects.create(kind=KIND, subject=report, requested_by=user, total=100, **{"max_attempts": 3, **job})
    return report


def killed_mid_build(report):
    """A worker claimed the report's job, reported some progress and was killed."""
    job = jobs.claim(report.job.pk)
    InspectionReport.objects.filter(pk=report.pk).update(state=InspectionReport.State.RUNNING)
    jobs.progress(job, 40, message="汇总安全事件与报告时限")
    return job


def later(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes))


def test_a_job_is_claimed_once(officer):
    report = requested_report(officer)
    assert jobs.claim(report.job.pk).attempts == 1
    assert jobs.claim(report.job.pk) is None  # a doubled or redelivered message


def test_a_fresh_heartbeat_is_left_alone(officer, sent, django_capture_on_commit_callbacks):
    report = requested_report(officer)
    killed_mid_build(report)
    with later(4), django_capture_on_commit_callbacks(execute=True):
        assert jobs.requeue_stale() == {"requeued": [], "failed": []}
    assert Job.objects.get().state == Job.State.RUNNING and sent == []


def test_a_stale_heartbeat_is_requeued_and_the_next_worker_finishes_it(
    client, officer, sent, django_capture_on_commit_callbacks
):
    report = requested_report(officer)
    job = killed_mid_build(report)
    client.force_login(officer)
    url = reverse("compliance:inspectionreport_progress", args=[report.pk])
    assert "汇总安全事件与报告时限（40%）" in client.get(url).content.decode()

    with later(6), django_capture_on_commit_callbacks(execute=True):
        assert jobs.requeue_stale() == {"requeued": [job.pk], "failed": []}
    assert sent == [("jobs.run", job.pk)]
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.QUEUED, 1)
    partial = client.get(url).content.decode()
    assert (
        "工作进程中断，已重新排队（第 2 次运行，最多 3 次）" in partial and 'hx-trigger="every 1s"' in partial
    )

    assert jobs.run(job.pk) == Job.State.DONE
    job.refresh_from_db()
    report.refresh_from_db()
    assert (job.state, job.attempts, job.percent) == (Job.State.DONE, 2, 100)
    assert report.state == InspectionReport.State.DONE and report.pages >= 1
    partial = client.get(url).content.decode()
    assert "hx-trigger" not in partial and 'data-testid="inspection-download"' in partial


def test_attempts_exhausted_fails_the_job_and_the_report_with_a_message(
    client, officer, sent, django_capture_on_commit_callbacks
):
    report = requested_report(officer, max_attempts=2)
    job = killed_mid_build(report)
    with later(6), django_capture_on_commit_callbacks(execute=True):
        assert jobs.requeue_stale()["requeued"] == [job.pk]
    jobs.claim(job.pk)  # the second worker dies too
    with later(12), django_capture_on_commit_callbacks(execute=True):
        assert jobs.requeue_stale() == {"requeued": [], "failed": [job.pk]}
    assert sent == [("jobs.run", job.pk)]  # sent once, never after the limit

    message = "工作进程中断，已重试 2 次仍未完成，请重新提交"
    job.refresh_from_db()
    report.refresh_from_db()
    assert (job.state, job.message) == (Job.State.FAILED, message)
    assert (report.state, report.error) == (InspectionReport.State.FAILED, message)
    client.force_login(officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="inspection-failed"' in page and message in page and "hx-trigger" not in page
    listing = client.get(reverse("compliance:inspectionreport_list")).content.decode()
    assert "生成失败" in listing and "生成中" not in listing


def test_a_doubled_beat_acts_once(officer, sent, django_capture_on_commit_callbacks):
    """Two beats at the same minute (a doubled schedule, a slow sweep overlapping the next):
    each stale job is re-sent once, and given up once."""
    again = requested_report(officer)
    given_up = requested_report(officer, max_attempts=1)
    killed_mid_build(again)
    killed_mid_build(given_up)
    with later(6), django_capture_on_commit_callbacks(execute=True):
        first = jobs.requeue_stale()
        second = jobs.requeue_stale()
    assert first == {"requeued": [again.job.pk], "failed": [given_up.job.pk]}
    assert second == {"requeued": [], "failed": []}
    assert sent == [("jobs.run", again.job.pk)]
    failures = InspectionReport.history.filter(id=given_up.pk, history_change_reason="生成失败")
    assert failures.count() == 1


def test_a_stale_snapshot_loses_the_compare_and_set(officer, sent, monkeypatch):
    """The sweep read the job as stale, but a worker beat the heartbeat meanwhile: nothing happens."""
    report = requested_report(officer, max_attempts=1)
    job = killed_mid_build(report)
    original = Job.objects.filter

    def beat_meanwhile(*args, **kwargs):
        if "heartbeat_at" in kwargs and "pk" in kwargs:  # the compare-and-set
            original(pk=job.pk).update(heartbeat_at=timezone.now())
        return original(*args, **kwargs)

    with later(6):
        monkeypatch.setattr(Job.objects, "filter", beat_meanwhile)
        assert jobs.requeue_stale() == {"requeued": [], "failed": []}
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING and InspectionReport.objects.get().state == "running"


def test_a_message_lost_while_queued_is_sent_again_without_counting_a_run(
    officer, sent, django_capture_on_commit_callbacks
):
    report = requested_report(officer, max_attempts=1)
    with later(6), django_capture_on_commit_callbacks(execute=True):
        assert jobs.requeue_stale()["requeued"] == [report.job.pk]
    job = Job.objects.get()
    assert (job.state, job.attempts) == (Job.State.QUEUED, 0)


def test_an_error_in_the_work_fails_the_job_at_once(officer, monkeypatch):
    from szmz_security.compliance import reports

    def broken(*args, **kwargs):
        raise RuntimeError("字体文件损坏")

    monkeypatch.setattr(reports, "build", broken)
    report = requested_report(officer)
    assert jobs.run(report.job.pk) == Job.State.FAILED
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "字体文件损坏" in job.message and job.attempts == 1
    report.refresh_from_db()
    assert report.state == "failed" and "字体文件损坏" in report.error
