"""A security officer's first sign-in: password, then enrolment with the QR code the portal draws
itself (no internet), a code from the authenticator, the backup codes once, then the dashboard."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from szmz_security.auditlog.models import AuditEvent
from tests.accounts_helpers import fresh_code
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db(transaction=True)
def test_officer_enrols_on_first_sign_in(page):
    UserFactory(username="newofficer", roles=["security_officer"])
    page.goto("/incidents/")
    page.get_by_label("用户名").fill("newofficer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="启用双因素认证")).to_be_visible()
    qr = page.get_by_test_id("otp-qr")
    expect(qr).to_be_visible()
    # The SVG really loaded from the portal (a broken image has no natural width).
    # Wait until the browser has finished with it: a slow CI machine may still be fetching it.
    handle = qr.element_handle()
    page.wait_for_function("img => img.complete", arg=handle)
    assert page.evaluate("img => img.naturalWidth", handle) > 0
    key = page.get_by_test_id("otp-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user__username="newofficer")
    assert key in device.config_url

    page.get_by_label("动态口令").fill(fresh_code(device))
    page.get_by_role("button", name="确认绑定").click()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(re.compile(r"/incidents/$"))
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.OTP_ENROLLED, username="newofficer").exists()
