"""The flagship flow (issue 3): a clerk files a secret-leak incident in the browser and sees its
24-hour clock to the secrecy bureau; the leak is hidden from the rest of the department; an officer
records the report to 保密机关 and the obligation shows met (已按期完成)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident, RegulatorReport, ReportingRule
from szmz_security.obligations.models import Obligation
from tests.factories import PASSWORD, UserFactory

TITLE = "涉密文件误发至互联网邮箱"
DESCRIPTION = "上午整理救助档案时，误将一份涉密通知作为附件发送至外部互联网邮箱，已联系对方删除。"
RECEIVING_BODY = "深圳市国家保密局"
REFERENCE = "SZBM-2026-0315"


@pytest.fixture
def clerk(department):
    return UserFactory(username="staff.shjz", profile="李敏", roles=["staff"], departments=[department])


@pytest.fixture
def colleague(department):
    """Another 工作人员 of the same department: a leak is need-to-know, so not theirs to see."""
    return UserFactory(username="staff2.shjz", profile="王芳", roles=["staff"], departments=[department])


def logout(page):
    page.get_by_test_id("user-menu").click()
    page.locator(".dropdown-menu.show").get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_label("用户名")).to_be_visible()


def obligation_row(page, authority):
    return page.get_by_test_id("obligations").locator("tbody tr").filter(has_text=authority)


def test_clerk_files_a_leak_and_officer_records_the_report(
    page, login, live_server, department, clerk, colleague, officer
):
    # live_server tests flush the database: the shipped reporting rules must be back (post_migrate).
    assert ReportingRule.objects.filter(code="secrecy", active=True).exists()

    # The browser's clock is Playwright's, so the countdown can be moved on without waiting.
    page.clock.install()

    # --- the clerk files the report -----------------------------------------------------------
    login("staff.shjz", PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_contain_text("李敏")
    page.get_by_test_id("nav-incidents").click()
    page.locator(".dropdown-menu.show").get_by_role("link", name="报告事件").click()
    expect(page).to_have_url(f"{live_server.url}/incidents/add/")
    expect(page.get_by_role("heading", name="报告安全事件")).to_be_visible()

    form = page.locator("#incident-form")
    form.get_by_label("标题").fill(TITLE)
    # 发现时间 is filled in with now; the department with the clerk's own.
    discovered = form.get_by_label("发现时间")
    expect(discovered).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"))
    expect(form.get_by_label("所属部门")).to_have_value(str(department.pk))
    form.get_by_label("事件类型", exact=True).select_option(label="信息破坏事件")
    form.get_by_label("事件子类").select_option(label="信息泄露事件")
    form.get_by_label("涉及泄密").check()
    form.get_by_label("事件描述").fill(DESCRIPTION)
    form.get_by_role("button", name="提交报告").click()

    # The detail page: restricted, owing 保密机关 a report within 24 hours of discovery.
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))
    incident = Incident.objects.get(title=TITLE)
    expect(page).to_have_url(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="须报送")).to_contain_text("保密机关")
    expect(page.locator("h1")).to_contain_text("知悉范围受限")

    secrecy_row = obligation_row(page, "保密机关")
    expect(secrecy_row).to_have_count(1)
    countdown = secrecy_row.locator(".countdown")
    expect(countdown).to_have_text(re.compile(r"^剩余 23小时\d+分$"))
    expect(countdown).not_to_have_class(re.compile(r"\btext-danger\b"))
    expect(secrecy_row).to_contain_text("待办")
    # Live: two hours on, the page's script has counted down without a reload.
    page.clock.fast_forward("02:00:00")
    expect(countdown).to_have_text(re.compile(r"^剩余 21小时\d+分$"))
    # The clerk sees the deadline but does not record reports (officers do).
    expect(secrecy_row.get_by_role("link", name="记录报送")).to_have_count(0)

    assert incident.reported_by == clerk
    assert incident.department == department
    assert (incident.category, incident.subcategory) == ("information_damage", "damage.leak")
    assert incident.secret_leak and incident.restricted
    owed = Obligation.objects.get(subject_id=incident.pk, kind="incident.secrecy")
    assert owed.due_at == incident.discovered_at + timedelta(hours=24)
    assert owed.authority == "保密机关" and owed.restricted
    assert abs(timezone.now() - incident.discovered_at) < timedelta(minutes=5)

    logout(page)

    # --- the rest of the department does not see the leak -------------------------------------
    login("staff2.shjz", PASSWORD)
    expect(page.get_by_test_id("user-menu")).to_contain_text("王芳")
    response = page.goto(f"/incidents/{incident.pk}/")
    assert response.status == 404
    expect(page).to_have_title(re.compile("^404"))
    expect(page.get_by_text("页面不存在，或您无权查看该记录。")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(TITLE)
    page.goto("/incidents/")
    expect(page.get_by_test_id("table-empty")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(TITLE)
    page.goto("/")
    logout(page)

    # --- an officer records the report to 保密机关 ---------------------------------------------
    login("officer", PASSWORD)
    page.goto("/incidents/")
    page.locator("table tbody tr", has_text=TITLE).get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{live_server.url}/incidents/{incident.pk}/")
    secrecy_row = obligation_row(page, "保密机关")
    expect(secrecy_row.locator(".countdown")).to_have_text(re.compile(r"^剩余 2\d小时\d+分$"))
    secrecy_row.get_by_role("link", name="记录报送").click()

    expect(page).to_have_url(f"{live_server.url}/incidents/{incident.pk}/obligations/{owed.pk}/report/")
    expect(page.get_by_role("heading", name="记录向保密机关的报送")).to_be_visible()
    expect(page.get_by_label("报送时间")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"))
    expect(page.get_by_label("接收单位")).to_have_value("保密机关")  # preset to the authority
    page.get_by_label("报送方式").select_option(label="电话")
    page.get_by_label("接收单位").fill(RECEIVING_BODY)
    page.get_by_label("回执编号").fill(REFERENCE)
    page.once("dialog", lambda dialog: dialog.accept())  # 确认已报送？
    page.get_by_role("button", name="登记报送").click()

    # Back on the incident: met in time, no countdown, no second recording.
    expect(page).to_have_url(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.get_by_role("alert").filter(has_text="已记录")).to_contain_text(
        f"已记录向{RECEIVING_BODY}的报送（按期完成）"
    )
    secrecy_row = obligation_row(page, "保密机关")
    expect(secrecy_row.locator(".badge")).to_have_text("已按期完成")
    expect(secrecy_row.locator(".countdown")).to_have_count(0)
    expect(secrecy_row.get_by_role("link", name="记录报送")).to_have_count(0)
    expect(secrecy_row.get_by_role("link", name="报告文件")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text(REFERENCE)

    owed.refresh_from_db()
    assert owed.state == Obligation.State.MET
    assert owed.met_by == officer
    report = RegulatorReport.objects.get(obligation=owed)
    assert (report.channel, report.receiving_body, report.reference_number) == (
        RegulatorReport.Channel.PHONE,
        RECEIVING_BODY,
        REFERENCE,
    )
    assert report.sent_by == officer and not report.late
    assert report.document.name.endswith(".pdf")  # the generated report was kept
