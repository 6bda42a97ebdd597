"""Issue 5's browser flow: a clerk requests a check-out of a medium, the department head approves
and hands it out, the return goes overdue (the obligation's deadline moved into the past, then the
beat sweep runs) and the breach reminder appears in the clerk's bell and notification list."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from media_control.models import Checkout, Medium
from szmz_security.obligations import services as obligations
from tests.factories import PASSWORD, UserFactory
from tests.media_control.factories import MediumFactory


@pytest.fixture
def clerk(department):
    return UserFactory(username="clerk.shjz", profile="李敏", roles=["staff"], departments=[department])


@pytest.fixture
def chief(department):
    return UserFactory(
        username="chief.shjz", profile="张处长", roles=["department_head", "staff"], departments=[department]
    )


def logout(page):
    page.get_by_test_id("user-menu").click()
    page.locator(".dropdown-menu.show").get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_checkout_approved_goes_overdue_and_reminds_the_clerk(
    page, login, live_server, department, clerk, chief
):
    medium = MediumFactory(department=department, custodian=chief, brand="闪迪")

    # --- the clerk requests a check-out from the ledger -------------------------------------------
    login("clerk.shjz", PASSWORD)
    page.get_by_test_id("nav-media").click()
    page.locator(".dropdown-menu.show").get_by_role("link", name="介质台账").click()
    page.get_by_role("link", name=medium.number).click()
    expect(page.get_by_test_id("marking")).to_have_text("内部")
    page.get_by_test_id("request-checkout").click()
    form = page.locator("#checkout-form")
    form.get_by_label("用途").fill("赴街道核对低保材料")
    expect(form.get_by_label("使用网络")).to_have_value("gov_intranet")
    due = timezone.localtime() + timedelta(days=1)
    form.get_by_label("预计归还时间").fill(due.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert").filter(has_text="已提交借用申请")).to_be_visible()
    expect(page.get_by_test_id("checkouts")).to_contain_text("待处室负责人审批")
    # The clerk cannot approve their own request: no approve button.
    expect(page.get_by_test_id("approve")).to_have_count(0)
    logout(page)

    # --- the head approves from the pending list and hands it out -------------------------------
    login("chief.shjz", PASSWORD)
    page.goto("/removable-media/checkouts/pending/")
    page.get_by_role("link", name=medium.number).click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_role("alert").filter(has_text="已批准借用申请")).to_be_visible()
    page.get_by_test_id("hand-out").click()
    expect(page.get_by_role("alert").filter(has_text="已借出")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("借出")
    expect(page.get_by_test_id("obligations")).to_contain_text("李敏")
    logout(page)

    checkout = Checkout.objects.get(medium=medium)
    assert checkout.state == Checkout.State.CHECKED_OUT
    assert Medium.objects.get(pk=medium.pk).status == Medium.Status.CHECKED_OUT

    # --- the return goes overdue: the deadline is moved into the past and the sweep runs ----------
    obligation = checkout.obligation
    obligation.created_at = timezone.now() - timedelta(days=2)
    obligation.due_at = timezone.now() - timedelta(minutes=10)
    obligation.save()
    obligations.sweep()

    login("clerk.shjz", PASSWORD)
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.get_by_test_id("bell").click()
    expect(page.get_by_text(f"【已逾期】归还移动介质 {medium.number}")).to_be_visible()
