from celery import shared_task

from . import services


@shared_task(name="jobs.run")
def run(job_id):
    """Run one long job (claimed once; see services.run)."""
    return services.run(job_id)


@shared_task(name="jobs.requeue_stale")
def requeue_stale():
    """Every minute: re-send jobs whose heartbeat went stale, or fail them after the limit."""
    return services.requeue_stale()
