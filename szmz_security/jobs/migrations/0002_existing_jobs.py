"""A job row for every inspection report, asset import and reconciliation made before jobs
existed, carrying its progress over; an unfinished one gets an old heartbeat so that the stale
sweep re-sends it at once (the 生成中-forever reports of a killed worker finish or fail)."""

from datetime import UTC, datetime

from django.db import migrations

EPOCH_HEARTBEAT = datetime(2000, 1, 1, tzinfo=UTC)


def jobs_for(apps, model, kind, *, running, done, failed, done_of, total_of, requested_by, created_at):
    Job = apps.get_model("jobs", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    subject_type, _ = ContentType.objects.get_or_create(app_label=model._meta.app_label, model=model._meta.model_name)
    rows = []
    for subject in model.objects.iterator():
        if subject.state in done:
            state = "done"
        elif subject.state in failed:
            state = "failed"
        else:
            state = "running" if subject.state in running else "queued"
        rows.append(
            Job(
                kind=kind,
                state=state,
                done=done_of(subject),
                total=total_of(subject),
                heartbeat_at=EPOCH_HEARTBEAT if state in ("queued", "running") else created_at(subject),
                attempts=1 if state != "queued" else 0,
                max_attempts=3,
                requested_by_id=requested_by(subject),
                created_at=created_at(subject),
                finished_at=getattr(subject, "finished_at", None),
                subject_type=subject_type,
                subject_id=subject.pk,
            )
        )
    Job.objects.bulk_create(rows, batch_size=500)


def forwards(apps, schema_editor):
    jobs_for(
        apps,
        apps.get_model("compliance", "InspectionReport"),
        "compliance.inspection_report",
        running={"running"},
        done={"done"},
        failed={"failed"},
        done_of=lambda report: report.progress,
        total_of=lambda report: 100,
        requested_by=lambda report: report.requested_by_id,
        created_at=lambda report: report.requested_at,
    )
    jobs_for(
        apps,
        apps.get_model("assets", "AssetImport"),
        "assets.import",
        running={"running"},
        done={"done", "failed"},  # 校验未通过 is a result of a job that ran to its end
        failed={"error"},
        done_of=lambda upload: upload.processed_rows,
        total_of=lambda upload: upload.total_rows,
        requested_by=lambda upload: upload.created_by_id,
        created_at=lambda upload: upload.created_at,
    )
    jobs_for(
        apps,
        apps.get_model("assets", "Reconciliation"),
        "assets.reconciliation",
        running={"pending"},
        done={"open", "signed_off"},
        failed={"error"},
        done_of=lambda run: run.processed_rows,
        total_of=lambda run: run.total_rows,
        requested_by=lambda run: run.uploaded_by_id,
        created_at=lambda run: run.uploaded_at,
    )


def drop_old_beat_entry(apps, schema_editor):
    """compliance.build_queued_reports is gone (jobs.requeue_stale does its work); the database
    scheduler would otherwise keep sending the unknown task."""
    try:
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    except LookupError:
        return
    PeriodicTask.objects.filter(task="compliance.build_queued_reports").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("compliance", "0001_initial"),
        ("assets", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(drop_old_beat_entry, migrations.RunPython.noop),
    ]
