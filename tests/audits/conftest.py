import pytest

from tests.factories import DepartmentFactory


@pytest.fixture
def information_centre(db):
    """The department that owns the quarterly reviews (AUDITS_REVIEW_DEPARTMENT = XXZX); the
    ``officer`` fixture belongs to it."""
    return DepartmentFactory(code="XXZX", name="信息中心")
