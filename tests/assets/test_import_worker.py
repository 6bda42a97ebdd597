"""A real Celery worker runs an asset import queued through the broker (eager mode is not a test
of Celery): the worker process reads the stored file, validates it and writes every row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets.models import Asset, AssetImport
from assets.register import resources
from szmz_security.celery import app
from szmz_security.jobs import services as jobs
from tests.integration.test_celery_worker import worker  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_queued_import_is_completed_by_a_real_worker(worker, officer, department):  # noqa: F811
    lines = ["固定资产编号,类型,名称,所属部门,网络区域"]
    lines += [f"W-{i:04d},台式机,办公电脑{i},{department.code},政务内网" for i in range(300)]
    upload = SimpleUploadedFile("worker.csv", "\n".join(lines).encode("utf-8"))
    job = AssetImport.objects.create(
        original_name="worker.csv", format="csv", created_by=officer, file=upload
    )

    work = jobs.create(resources.JOB_KIND, job, by=officer, total=300)
    task_id = app.send_task("jobs.run", args=[work.pk], queue=worker.queue).id
    worker.wait_until_done(task_id, "jobs.run")

    job = AssetImport.objects.get(pk=job.pk)
    assert (job.state, job.created_count, job.processed_rows) == (AssetImport.State.DONE, 300, 300)
    assert Asset.objects.filter(number__startswith="W-").count() == 300
    assert Asset.history.filter(history_user=officer).count() == 300
