"""API tokens are created only in a session verified with the second factor (issue #13)."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from szmz_security.auditlog.models import AuditEvent
from tests.accounts_helpers import fresh_code, totp_device
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN_URL = "/account/api-token/"


def test_token_creation_refused_without_a_verified_session(client, staff):
    client.force_login(staff)  # staff has no device: a password-only session
    assert client.get(TOKEN_URL).status_code == 200
    response = client.post(TOKEN_URL, follow=True)
    assert not Token.objects.filter(user=staff).exists()
    assert response.redirect_chain[0][0] == reverse("accounts:otp_enrol")
    assert "创建 API 令牌需要先启用并通过双因素认证" in response.content.decode()


def test_verified_session_creates_a_token_shown_once_that_works_for_the_api(client, staff):
    device = totp_device(staff)
    client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    client.post(reverse("accounts:otp_verify"), {"token": fresh_code(device)})

    response = client.post(TOKEN_URL)
    token = Token.objects.get(user=staff)
    assert response.status_code == 200 and token.key in response.content.decode()
    assert token.key not in client.get(TOKEN_URL).content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.TOKEN_CREATED, user=staff).exists()

    # Token auth itself is unchanged: no session, no code.
    client.logout()
    api = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.status_code == 200 and api.json()["username"] == "staff"
