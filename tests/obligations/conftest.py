import pytest

from tests.factories import UserFactory


@pytest.fixture
def people(department, other_department, officer, head, staff, leader, outsider):
    """An officer, the department's head, an assignee (plain staff), leadership, and people who
    must never be told: a member and the head of another department."""
    other_head = UserFactory(
        username="other_head", roles=["department_head", "staff"], departments=[other_department]
    )
    return {
        "officer": officer,
        "head": head,
        "assignee": staff,
        "leader": leader,
        "outsider": outsider,
        "other_head": other_head,
    }
