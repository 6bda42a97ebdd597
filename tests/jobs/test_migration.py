"""The data migration gives every report, import and reconciliation made before jobs existed a
job: the 生成中 report a killed worker left behind is re-sent by the next sweep."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from szmz_security.jobs import services as jobs

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("jobs", "0001_initial"), ("compliance", "0001_initial"), ("assets", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_reports_stuck_before_jobs_existed_get_a_job_the_sweep_picks_up(officer, monkeypatch):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        Report = old.get_model("compliance", "InspectionReport")
        common = {
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 3, 31),
            "requested_by_id": officer.pk,
        }
        stuck = Report.objects.create(state="running", progress=40, step="汇总", **common)
        finished = Report.objects.create(state="done", progress=100, finished_at=timezone.now(), **common)
    finally:
        migrate(latest)

    from szmz_security.compliance.models import InspectionReport

    stuck_job = InspectionReport.objects.get(pk=stuck.pk).job
    assert (stuck_job.state, stuck_job.done, stuck_job.total, stuck_job.attempts) == ("running", 40, 100, 1)
    assert InspectionReport.objects.get(pk=finished.pk).job.state == "done"

    sent = []
    monkeypatch.setattr("szmz_security.core.tasks.send_task_now", lambda name, *args: sent.append(args[0]))
    assert jobs.requeue_stale(now=timezone.now() + timedelta(seconds=1)) == {
        "requeued": [stuck_job.pk],
        "failed": [],
    }
    assert sent == [stuck_job.pk]
