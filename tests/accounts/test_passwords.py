"""Password policy, history and maximum age (issue #13; 6 §8, 5 §4)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from szmz_security.accounts.models import PasswordHistory
from szmz_security.accounts.services import password_changes
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_validator_messages_are_specific_and_chinese():
    assert messages_for("Ab1-short") == ["密码太短：至少需要 12 个字符，当前 9 个。"]
    assert messages_for("onlylowercaseletters") == [
        "密码须包含大写字母、小写字母、数字、符号四类中的至少 3 类。"
    ]
    assert messages_for("lowercase-and-symbols") == [
        "密码须包含大写字母、小写字母、数字、符号四类中的至少 3 类。"
    ]
    assert messages_for("Correct-Horse-2026") == []
    assert messages_for("correcthorse2026!") == []  # lower, digits, symbol: three classes


def change(client, old, new):
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_change_form_shows_the_error_next_to_the_field(client, staff):
    client.force_login(staff)
    response = change(client, PASSWORD, "password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "密码太短：至少需要 12 个字符" in body and "is-invalid" in body


def test_the_last_five_passwords_cannot_be_reused(client, staff):
    client.force_login(staff)
    passwords = [PASSWORD] + [f"New-Password-{n}x" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302
    current = passwords[-1]
    for reused in passwords[2:]:  # the current one and the four before it
        response = change(client, current, reused)
        assert "不能使用最近 5 次用过的密码" in response.content.decode()
    # The sixth-last is allowed again.
    assert change(client, current, passwords[0]).status_code == 302


def test_changes_are_recorded_and_queryable(staff):
    start = timezone.now()
    staff.set_password("Another-Good-Pass-1")
    staff.save()
    rows = list(password_changes(start, timezone.now() + timedelta(seconds=1)))
    assert [row.user for row in rows] == [staff]
    assert rows[0].password == staff.password and "Another" not in rows[0].password
    assert PasswordHistory.objects.filter(user=staff).count() == 2  # created, then changed


def test_an_old_password_must_be_changed_before_anything_else(client):
    user = UserFactory(username="aging", roles=["staff"])
    with time_machine.travel(timezone.now() + timedelta(days=89), tick=False):
        client.force_login(user)
        assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        client.force_login(user)
        for path in ("/", "/incidents/", reverse("accounts:api_token")):
            response = client.get(path)
            assert response.status_code == 302 and response["Location"] == reverse("password_change")
        assert client.get("/api/me/").status_code == 403
        page = client.get(reverse("password_change"))
        assert "已使用超过 90 天" in page.content.decode()
        assert change(client, PASSWORD, "Fresh-Password-2027").status_code == 302
        assert client.get("/").status_code == 200


def test_maximum_age_follows_the_setting(client, settings, staff):
    settings.PASSWORD_MAX_AGE_DAYS = 10
    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        client.force_login(staff)
        assert client.get("/")["Location"] == reverse("password_change")
