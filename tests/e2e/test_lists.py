"""The generic list page reads as Chinese throughout: filters, booleans, empty tables, pagination."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident
from tests.factories import PASSWORD, IncidentFactory, UserFactory


@pytest.fixture
def officer_with_incidents(officer, department):
    reporter = UserFactory(username="staff.shjz", profile="李敏", roles=["staff"], departments=[department])
    now = timezone.now()
    for number in range(26):  # one more than a page
        IncidentFactory(
            title=f"终端异常告警 {number:02d}",
            department=department,
            reported_by=reporter,
            discovered_at=now - timedelta(days=1, hours=number),
        )
    IncidentFactory(
        title="涉密文件误发至互联网邮箱",
        department=department,
        reported_by=reporter,
        discovered_at=now - timedelta(hours=2),
        secret_leak=True,
    )
    return officer


def test_incident_list_filters_booleans_and_pagination_in_chinese(page, login, officer_with_incidents):
    login("officer", PASSWORD)
    page.goto("/incidents/")

    table = page.locator("table")
    expect(table.locator("thead")).to_contain_text("涉及泄密")
    leak_row = table.locator("tbody tr", has_text="涉密文件误发至互联网邮箱")
    expect(leak_row.get_by_text("是", exact=True)).to_have_class(re.compile(r"\bbadge\b"))
    expect(table.locator("tbody tr", has_text="终端异常告警 00")).to_contain_text("否")
    expect(table).not_to_contain_text("✔")
    expect(table).not_to_contain_text("✘")

    # Filters: Bootstrap controls, “全部” for no filter, the browser's date picker for dates.
    expect(page.get_by_label("部门", exact=True)).to_have_class(re.compile(r"\bform-select\b"))
    expect(page.get_by_label("部门", exact=True).locator("option").first).to_have_text("全部")
    expect(page.get_by_label("涉及泄密").locator("option").first).to_have_text("全部")
    expect(page.get_by_label("发现不早于")).to_have_attribute("type", "date")

    # Pagination in Chinese, with the total.
    expect(page.get_by_test_id("table-count")).to_have_text("共 27 条，第 1 / 2 页")
    pagination = page.get_by_role("navigation", name="分页")
    pagination.get_by_role("link", name="下一页").click()
    expect(page.get_by_test_id("table-count")).to_have_text("共 27 条，第 2 / 2 页")
    expect(page.locator("table tbody tr")).to_have_count(2)

    # Filtering to nothing says so.
    page.get_by_label("搜索").fill("不存在的事件")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("table-empty")).to_have_text("没有符合条件的记录。")


def test_csv_export_is_local_time_and_chinese(page, login, officer_with_incidents):
    login("officer", PASSWORD)
    response = page.request.get("/incidents/?export=csv&secret_leak=true")
    assert response.ok
    lines = response.text().lstrip("\ufeff").splitlines()
    assert lines[0] == "标题,部门,发现时间,类型,等级,状态,下一截止,涉及泄密,报告人"
    assert len(lines) == 2
    title, department, discovered_at, category, grade, state, _next, secret_leak, reporter = lines[1].split(
        ","
    )
    assert (title, department, category, grade, state, secret_leak, reporter) == (
        "涉密文件误发至互联网邮箱",
        "社会救助处",
        "其他事件",
        "未定级",
        "新报告",
        "是",
        "李敏",
    )
    leak = Incident.objects.get(secret_leak=True)
    # Shanghai time to the second, as the bureau reads it (not UTC with an offset and microseconds).
    assert discovered_at == timezone.localtime(leak.discovered_at).strftime("%Y-%m-%d %H:%M:%S")
