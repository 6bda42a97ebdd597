"""Under the Content-Security-Policy (no inline script or style) the pages' script still works, and
Chromium reports no violation: Bootstrap's menus, the confirmation before an irreversible step, the
select-all box of the asset list and htmx's bell all run from static files."""

import pytest
from playwright.sync_api import expect

from tests.assets.factories import AssetFactory
from tests.factories import PASSWORD, IncidentFactory


@pytest.fixture
def records(officer, department):
    for _ in range(3):
        AssetFactory(department=department)
    return IncidentFactory(title="办公电脑感染木马", department=department)


def test_page_script_works_and_chromium_reports_no_csp_violation(page, login, officer, records):
    violations, dialogs = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    login("officer", PASSWORD)
    # Bootstrap (a static file) opens the navigation menu.
    page.get_by_test_id("nav-incidents").click()
    expect(page.get_by_role("link", name="全部事件")).to_be_visible()

    # data-confirm (behaviour.js) asks before marking an incident a false alarm; "cancel" stays.
    page.goto(records.get_absolute_url())
    page.get_by_role("button", name="标记为误报…").click()
    form = page.locator("#false-alarm-form")
    expect(form).to_be_visible()
    form.get_by_role("button", name="确认误报").click()
    expect(page).to_have_url(records.get_absolute_url())
    assert dialogs and "误报" in dialogs[0]

    # The select-all box of the asset list ticks every row (moved out of an inline <script>).
    page.goto("/assets/")
    page.locator("th input[data-select-all]").check()
    boxes = page.locator('input[form="labels-form"][name="pk"]')
    expect(boxes.first).to_be_checked()
    assert boxes.count() == 3 and all(boxes.nth(i).is_checked() for i in range(3))

    assert not violations, violations


def test_api_docs_render_under_the_csp(page, login, officer):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login("officer", PASSWORD)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("深圳市民政局信息安全管理平台 API")
    assert not violations, violations
