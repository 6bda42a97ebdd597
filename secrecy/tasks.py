from celery import shared_task

from .archives.services import ensure_regrading_obligations
from .documents.services import ensure_period_review_obligations as ensure_period_reviews
from .personnel.services import ensure_yearly_education


@shared_task(name="secrecy.ensure_personnel_archive_obligations")
def ensure_personnel_archive_obligations():
    """Hourly (idempotent): this year's 保密教育 obligation (met once every 在岗 classified person
    attended), and a re-grading obligation for every archive series missing one."""
    education = ensure_yearly_education()
    created = ensure_regrading_obligations()
    return {"education": education.pk if education else None, "regrading_created": len(created)}


@shared_task(name="secrecy.ensure_period_review_obligations")
def ensure_period_review_obligations():
    """Daily (idempotent): this year's secrecy-period review obligation for every department
    holding classified documents."""
    return [obligation.pk for obligation in ensure_period_reviews()]
