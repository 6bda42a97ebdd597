"""TOTP second factor (issue #13): enrolment, the gate for privileged roles, codes, resets."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from szmz_security.auditlog.models import AuditEvent
from szmz_security.org.roles import SECOND_FACTOR_ROLE_CODES, requires_second_factor
from tests.accounts_helpers import fresh_code, totp_device
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PRIVILEGED = ["security_officer", "secrecy_office", "system_administrator", "leadership", "inspector"]
VERIFY, ENROL = "/account/verify/", "/account/enrol/"


def sign_in(client, user):
    """The password step only, as the login page does it."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "password step refused"
    return client


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_reaches_nothing_but_the_code_step(client, role):
    user = UserFactory(roles=[role])
    totp_device(user)
    sign_in(client, user)

    for path in ("/", "/incidents/", "/account/api-token/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    assert client.get("/api/me/").status_code == 403
    assert client.get(VERIFY).status_code == 200

    response = client.post(VERIFY, {"token": fresh_code(totp_device(user)), "next": "/incidents/"})
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    assert client.get("/").status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_required_roles_include_the_three_administrators():
    assert {*PRIVILEGED, "security_administrator", "audit_administrator"} == SECOND_FACTOR_ROLE_CODES


def test_first_sign_in_after_the_role_is_given_walks_through_enrolment(client):
    user = UserFactory(roles=["staff"])
    sign_in(client, user)
    assert client.get("/").status_code == 200  # no role that needs it, no device: password alone
    client.logout()

    user.groups.add(*UserFactory(roles=["security_officer"]).groups.all())
    sign_in(client, user)
    response = client.get("/incidents/")
    assert response.status_code == 302 and response["Location"] == f"{ENROL}?next=%2Fincidents%2F"

    page = client.get(ENROL + "?next=/incidents/")
    assert "您的角色须使用" in page.content.decode()
    key = page.context["manual_key"]
    qr = client.get(reverse("accounts:otp_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert key.replace(" ", "") in device.config_url
    response = client.post(ENROL, {"token": fresh_code(device), "next": "/incidents/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:backup_codes"))

    codes_page = client.get(response["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and codes[0] in codes_page.content.decode()
    # Shown once: the next visit no longer lists them.
    assert client.get(reverse("accounts:backup_codes")).status_code == 302
    assert client.get("/incidents/").status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.OTP_ENROLLED)
    assert event.user == user and event.log_class == AuditEvent.LogClass.AUTH


def test_enrolment_refuses_a_wrong_code_and_keeps_the_device_unconfirmed(client, officer):
    sign_in(client, officer)
    client.get(ENROL)
    response = client.post(ENROL, {"token": "000000"})
    assert "动态口令不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.OTP_FAILED, username="officer").count() == 1


def test_wrong_code_is_refused_audited_and_throttled(client, officer):
    device = totp_device(officer)
    sign_in(client, officer)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = client.post(VERIFY, {"token": "123456"})
        assert response.status_code == 200
        assert "动态口令不正确或已用过" in response.content.decode()
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.OTP_FAILED)
        assert event.outcome == AuditEvent.Outcome.FAILURE and event.username == "officer"
        assert event.detail == {"step": "verify"}

        # Right away even the right code waits (django-otp's growing delay after failures).
        response = client.post(VERIFY, {"token": fresh_code(device)})
        assert "错误次数过多" in response.content.decode()
        assert client.get("/").status_code == 302

        traveller.shift(timedelta(seconds=2))
        assert client.post(VERIFY, {"token": fresh_code(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_works_once(client, officer):
    device = totp_device(officer)
    code = fresh_code(device)
    with time_machine.travel(timezone.now(), tick=False):
        assert sign_in(client, officer).post(VERIFY, {"token": code}).status_code == 302
        client.logout()
        response = sign_in(client, officer).post(VERIFY, {"token": code})
    assert response.status_code == 200 and "动态口令不正确或已用过" in response.content.decode()


def test_backup_code_works_once(client, officer):
    from szmz_security.accounts.services import new_backup_codes

    totp_device(officer)
    code = new_backup_codes(officer)[0]
    sign_in(client, officer)
    assert client.post(VERIFY, {"token": code.upper()}).status_code == 302
    assert client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 9
    client.logout()

    sign_in(client, officer)
    response = client.post(VERIFY, {"token": code})
    assert response.status_code == 200 and "动态口令不正确或已用过" in response.content.decode()
    assert client.get("/").status_code == 302


def test_enrolled_staff_is_asked_for_a_code_too(client, staff):
    totp_device(staff)
    sign_in(client, staff)
    assert client.get("/")["Location"].startswith(VERIFY)


def test_staff_without_a_device_signs_in_with_a_password_alone(client, staff):
    assert not requires_second_factor(staff)
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200 and "工作台" in response.content.decode()


def test_voluntary_enrolment_from_the_security_page(client, staff):
    client.force_login(staff)
    page = client.get(reverse("accounts:security"))
    assert "可自愿启用" in page.content.decode()
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)
    assert client.post(ENROL, {"token": fresh_code(device)}).status_code == 302
    assert "已启用" in client.get(reverse("accounts:security")).content.decode()


def test_administrator_resets_a_device_and_it_is_audited(client, officer):
    sysadmin = UserFactory(username="sysadmin", roles=["system_administrator"])
    totp_device(officer)
    client.force_login(sysadmin)
    listing = client.get(reverse("accounts:otp_admin"), {"q": "offic"})
    assert listing.status_code == 200 and "officer" in listing.content.decode()

    response = client.post(reverse("accounts:otp_reset", args=[officer.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.OTP_RESET)
    assert event.user == sysadmin and event.object_id == str(officer.pk)
    assert event.detail["target"] == "officer"

    client.logout()
    sign_in(client, officer)
    assert client.get("/")["Location"].startswith(ENROL)


def test_only_administrators_reset(client, officer, staff):
    totp_device(staff)
    client.force_login(officer)
    assert client.get(reverse("accounts:otp_admin")).status_code == 403
    assert client.post(reverse("accounts:otp_reset", args=[staff.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_reset_from_the_django_admin_is_audited(client, officer):
    sysadmin = UserFactory(username="sysadmin", roles=["system_administrator"], is_staff=True)
    assert sysadmin.has_perm("accounts.reset_second_factor")
    assert Permission.objects.filter(codename="reset_second_factor").exists()
    totp_device(officer)
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [officer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.OTP_RESET, object_id=str(officer.pk)).exists()


def test_force_login_gives_a_verified_session(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200


def test_code_step_never_redirects_off_site_and_renews_the_session_key(client, officer):
    device = totp_device(officer)
    sign_in(client, officer)
    before = client.cookies["sessionid"].value
    response = client.post(VERIFY, {"token": fresh_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.cookies["sessionid"].value != before
