"""A department staff member logs in through the Chinese login page and reads the dashboard."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from szmz_security.obligations.models import Notification
from tests.factories import PASSWORD, ObligationFactory, UserFactory

BOOTSTRAP_DANGER = "rgb(220, 53, 69)"  # --bs-danger: the countdown is red only if the CSS really loaded


@pytest.fixture
def demo_staff(department):
    """Like the demo's staff.shjz: a 社会救助处 staff member with a name on the profile."""
    return UserFactory(username="staff.shjz", profile="李敏", roles=["staff"], departments=[department])


@pytest.fixture
def obligations(department, demo_staff):
    now = timezone.now()
    overdue = ObligationFactory(
        title="向公安机关报告：救助系统终端感染勒索病毒",
        department=department,
        clause="市民政局制度 第三章第4条",
        authority="公安机关",
        created_at=now - timedelta(hours=27),
        due_at=now - timedelta(hours=3),
    )
    due_soon = ObligationFactory(
        title="11月 IP/MAC 地址月度核查",
        department=department,
        clause="市民政局制度 第七章第1条",
        created_at=now - timedelta(days=20),
        due_at=now + timedelta(hours=5),
    )
    Notification.objects.create(
        recipients=[demo_staff.pk],
        key=f"obligation:{overdue.pk}:overdue",
        obligation=overdue,
        level=Notification.Level.DANGER,
        title=f"已逾期：{overdue.title}",
        url=overdue.get_absolute_url(),
    )
    return overdue, due_soon


def test_staff_logs_in_and_sees_department_deadlines(page, login, live_server, demo_staff, obligations):
    overdue, due_soon = obligations

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))  # anonymous → login page
    expect(page.get_by_role("heading", name=re.compile("信息安全管理平台"))).to_be_visible()

    login("staff.shjz", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=re.compile("^工作台"))).to_be_visible()

    # The user menu names the person and, when opened, their department and role.
    user_menu = page.get_by_test_id("user-menu")
    expect(user_menu).to_contain_text("李敏")
    user_menu.click()
    dropdown = page.locator(".dropdown-menu.show")
    expect(dropdown).to_contain_text("社会救助处")
    expect(dropdown).to_contain_text("工作人员")
    expect(dropdown.get_by_role("button", name="退出登录")).to_be_visible()
    page.keyboard.press("Escape")

    # 已逾期: the overdue report, with a red countdown.
    overdue_list = page.get_by_test_id("overdue-list")
    overdue_item = overdue_list.get_by_role("listitem").filter(has_text=overdue.title)
    expect(overdue_item).to_have_count(1)
    expect(overdue_item.get_by_role("link", name=overdue.title)).to_have_attribute(
        "href", overdue.get_absolute_url()
    )
    expect(overdue_item).to_contain_text("社会救助处")
    countdown = overdue_item.locator(".countdown")
    expect(countdown).to_have_text(re.compile(r"^已逾期 \d+小时\d+分$"))
    expect(countdown).to_have_class(re.compile(r"\btext-danger\b"))
    expect(countdown).to_have_css("color", BOOTSTRAP_DANGER)
    expect(overdue_list).not_to_contain_text(due_soon.title)

    # 即将到期: the reconciliation due in five hours, not (yet) red.
    due_soon_list = page.get_by_test_id("due-soon-list")
    due_soon_item = due_soon_list.get_by_role("listitem").filter(has_text=due_soon.title)
    expect(due_soon_item).to_have_count(1)
    expect(due_soon_item.locator(".countdown")).to_have_text(re.compile(r"^剩余 4小时\d+分$"))
    expect(due_soon_item.locator(".countdown")).not_to_have_class(re.compile(r"\btext-danger\b"))
    expect(page.locator(".card-header", has_text="即将到期")).to_be_visible()
    expect(page.locator(".card-header", has_text="已逾期")).to_be_visible()

    expect(page.get_by_test_id("count-overdue")).to_have_text("1")
    expect(page.get_by_test_id("count-due-soon")).to_have_text("1")

    # The bell, with one unread notification.
    bell = page.get_by_test_id("bell")
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("href", "/notifications/")
    expect(page.get_by_test_id("unread-count")).to_contain_text("1")


def test_wrong_password_shows_chinese_error(page, login, demo_staff):
    login("staff.shjz", "not-the-password")

    expect(page).to_have_url(re.compile(r"/login/$"))
    error = page.get_by_role("alert")
    expect(error).to_have_text("请输入一个正确的用户名和密码。注意，两者都区分大小写。")
    expect(page.get_by_label("用户名")).to_have_value("staff.shjz")
    expect(page.get_by_label("密码")).to_have_value("")
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def test_assets_come_from_the_portal_itself(page, login, live_server, demo_staff, obligations):
    """The bureau's internal network has no internet: no CDN, no font service, nothing foreign."""
    requests = []
    responses = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: responses.append((response.url, response.status)))

    login("staff.shjz", PASSWORD)
    page.goto("/")
    page.wait_for_load_state("networkidle")

    home = urlsplit(live_server.url).netloc
    network = [url for url in requests if urlsplit(url).scheme not in ("data", "blob")]
    assert [url for url in network if urlsplit(url).netloc != home] == []

    # The vendored assets were requested, and all of them answered.
    paths = {urlsplit(url).path for url in network}
    for asset in (
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/portal/portal.css",
        "/static/portal/portal.js",
    ):
        assert asset in paths
    assert any(path.startswith("/static/vendor/bootstrap-icons/fonts/bootstrap-icons.woff") for path in paths)
    assert [(url, status) for url, status in responses if status >= 400] == []
    # And they work: Bootstrap styles the navbar, the icon font renders the bell.
    expect(page.locator("nav.navbar")).to_have_css("display", "flex")
    assert page.evaluate("document.fonts.check('16px bootstrap-icons')")
