"""audits/demo.py: the demo records seed_demo adds, idempotent."""

import pytest

from audits import demo
from audits.models import Circulation, Project, QuarterlyReview, Risk
from audits.projects import services
from szmz_security.obligations.models import Obligation
from szmz_security.org.management.commands.seed_demo import Command

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_shows_the_gate():
    command = Command()
    departments = command.seed_departments()
    users = command.seed_users(departments)
    demo.seed(departments, users)
    counts = (
        QuarterlyReview.objects.count(),
        Project.objects.count(),
        Risk.objects.count(),
        Obligation.objects.count(),
        Circulation.objects.count(),
    )
    demo.seed(departments, users)
    assert counts == (
        QuarterlyReview.objects.count(),
        Project.objects.count(),
        Risk.objects.count(),
        Obligation.objects.count(),
        Circulation.objects.count(),
    )
    # The demo also opens this year's self-inspection (年度自查), once.
    assert QuarterlyReview.objects.filter(kind=QuarterlyReview.Kind.SELF_INSPECTION).count() == 1
    review = QuarterlyReview.objects.get(kind=QuarterlyReview.Kind.QUARTERLY)
    assert 0 < review.items.exclude(result="").count() < review.items.count()
    assert review.findings.count() == 1
    project = Project.objects.get(name=demo.PROJECT_NAME)
    assert project.state == Project.State.GOLIVE_REVIEW
    blockers = services.golive_blockers(project)
    assert len(blockers) == 1 and "较大风险" in blockers[0]
    assert {risk.level for risk in Risk.objects.all()} == {"major", "significant", "general", "low"}
