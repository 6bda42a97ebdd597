"""Generated risks and projects for the benchmarks (bench/bench_audits.py): plain bulk inserts,
spread over every department, likelihood and severity drawn so that every level is present."""

import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from szmz_security.core.generate.common import insert_in_chunks, members_by_department
from szmz_security.org.models import Department

from .models import Project, Risk

TITLE_PREFIX = "GEN-风险"


def generate_risks(total, *, projects=200, seed=2026, chunk=5000):
    """Write ``projects`` projects and ``total`` risks (a fifth of them on a project); returns
    (projects written, risks written)."""
    rng = random.Random(seed)
    now = timezone.now()
    departments = list(Department.objects.order_by("pk"))
    members = members_by_department(departments)
    fallback = get_user_model().objects.order_by("pk").values_list("pk", flat=True).first()
    created = Project.objects.bulk_create(
        [
            Project(
                name=f"GEN-项目{index:05d}",
                department_id=departments[index % len(departments)].pk,
                owner_id=rng.choice(members.get(departments[index % len(departments)].pk) or [fallback]),
                created_by_id=fallback,
                state=rng.choice(list(Project.State.values)),
                created_at=now,
            )
            for index in range(projects)
        ]
    )
    project_ids = [(p.pk, p.department_id) for p in created]

    def risks():
        for index in range(total):
            department = departments[index % len(departments)]
            likelihood, severity = rng.randint(1, 5), rng.randint(1, 5)
            project = None
            if project_ids and rng.random() < 0.2:
                project = rng.choice([pid for pid, dep in project_ids if dep == department.pk] or [None])
            yield Risk(
                title=f"{TITLE_PREFIX}{index:07d}",
                department_id=department.pk,
                owner_id=rng.choice(members.get(department.pk) or [fallback]),
                project_id=project,
                likelihood=likelihood,
                severity=severity,
                score=likelihood * severity,
                status=Risk.Status.CLOSED if rng.random() < 0.3 else Risk.Status.OPEN,
                created_at=now,
            )

    return len(created), insert_in_chunks(Risk, risks(), chunk)
