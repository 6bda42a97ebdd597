import os

import pytest
from django.conf import settings

from tests.factories import PASSWORD, DepartmentFactory, UserFactory


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor}; broker: {settings.CELERY_BROKER_URL.split('@')[-1]}"


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="session", autouse=True)
def _services_required(django_db_setup):
    """In CI (SZMZ_REQUIRE_SERVICES=1) the suite must really run on PostgreSQL and Redis."""
    if os.environ.get("SZMZ_REQUIRE_SERVICES") == "1":
        from django.db import connection

        assert connection.vendor == "postgresql", "CI must run on PostgreSQL"
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must use the Redis broker"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def department(db):
    return DepartmentFactory(code="SHJZ", name="社会救助处")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="YLFW", name="养老服务处")


@pytest.fixture
def staff(department):
    return UserFactory(username="staff", roles=["staff"], departments=[department])


@pytest.fixture
def head(department):
    return UserFactory(username="head", roles=["department_head", "staff"], departments=[department])


@pytest.fixture
def outsider(other_department):
    return UserFactory(username="outsider", roles=["staff"], departments=[other_department])


@pytest.fixture
def officer(db):
    information_centre = DepartmentFactory(code="XXZX", name="信息中心")
    return UserFactory(
        username="officer", roles=["security_officer", "staff"], departments=[information_centre]
    )


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", roles=["leadership"])


@pytest.fixture
def secrecy(db):
    return UserFactory(username="secrecy", roles=["secrecy_office"])


@pytest.fixture
def inspector(db):
    return UserFactory(username="inspector", roles=["inspector"])


def client_for(client, user):
    client.force_login(user)
    return client
