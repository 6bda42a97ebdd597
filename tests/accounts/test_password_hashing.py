"""Passwords are stored with Argon2id (issue #20: a sign-in costs ≤ 100 ms here, bench_signin);
hashes written before, with PBKDF2, keep working and are upgraded at the next sign-in."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.test import Client
from django.urls import reverse

from szmz_security import settings as project_settings
from szmz_security.accounts.models import PasswordHistory
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CONFIGURED = "argon2$argon2id$v=19$m=47104,t=1,p=1$"


@pytest.fixture(autouse=True)
def real_hashers(settings):
    # The suite hashes with MD5 for speed (tests/conftest.py); these tests need the project's own.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def sign_in(username, password):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response


def test_a_new_password_is_stored_as_argon2id_with_the_configured_cost():
    user = UserFactory()
    user.set_password("Correct-Horse-2026")
    user.save()
    assert user.password.startswith(CONFIGURED)
    assert user.check_password("Correct-Horse-2026")
    assert not user.check_password("Correct-Horse-2025")


def test_an_older_pbkdf2_hash_signs_in_and_is_upgraded():
    user = UserFactory()
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    history = list(PasswordHistory.objects.filter(user=user).values_list("pk", "changed_at"))

    _client, response = sign_in(user.username, PASSWORD)

    assert response.status_code == 302 and "/login/" not in response["Location"]
    user.refresh_from_db()
    assert user.password.startswith(CONFIGURED)
    # A re-hash is not a change of password: the password's age and history stay as they were.
    assert list(PasswordHistory.objects.filter(user=user).values_list("pk", "changed_at")) == history
    # and the upgraded hash still signs in
    assert sign_in(user.username, PASSWORD)[1].status_code == 302


def test_a_wrong_password_against_an_old_hash_is_refused_and_changes_nothing():
    user = UserFactory()
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    stored = user.password

    _client, response = sign_in(user.username, "Not-The-Password-1")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == stored


def test_the_password_history_recognises_a_reused_password_hashed_by_either_hasher(client):
    user = UserFactory()
    old = make_password("Earlier-Secret-2025", hasher=PBKDF2PasswordHasher())
    PasswordHistory.objects.create(user=user, password=old)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Earlier-Secret-2025",
            "new_password2": "Earlier-Secret-2025",
        },
    )
    assert response.status_code == 200
    assert "最近" in response.content.decode()
