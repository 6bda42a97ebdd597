import os

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, DepartmentFactory, UserFactory


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor}; broker: {settings.CELERY_BROKER_URL.split('@')[-1]}"


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def verify_session(client, user):
    """Mark the client's session as verified with the user's authenticator (made if missing)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.accounts_helpers import totp_device

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_verifies(monkeypatch):
    """``client.force_login(user)`` also passes the second factor for users who need one (issue
    #13), so no test has to. Tests of the second factor itself log in with ``client.login``."""
    from szmz_security.accounts.services import has_second_factor
    from szmz_security.org.roles import requires_second_factor

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if requires_second_factor(user) or has_second_factor(user):
            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_verified)


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
