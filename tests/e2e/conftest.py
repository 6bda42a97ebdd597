"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Every test in this folder is marked ``e2e`` (``pytest -m "not e2e"`` skips them). The browser is
``/usr/bin/chromium`` (Playwright's own browser download cannot work on the bureau's network);
``make test`` installs it, so a missing browser fails loudly instead of skipping. A failing test
leaves a screenshot in ``var/e2e/<test>.png``.

One browser serves every test here. It is scoped to this package rather than to the whole session
on purpose: while Playwright's sync API is started, its asyncio loop counts as running in the test
thread, so Django refuses ORM calls (SynchronousOnlyOperation) unless ``DJANGO_ALLOW_ASYNC_UNSAFE``
is set. Both the browser and that variable therefore live exactly as long as the e2e tests run;
tests that run after them (and the subprocesses they start, e.g. ``manage.py check --deploy``) see
neither.
"""

import os
import re
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = E2E_DIR.parents[1] / "var" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 900}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The page fixture looks at this in its teardown to decide on a screenshot.
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


_reports_key = pytest.StashKey[dict]()


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the e2e tests (see the module docstring for the scope)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests drive Debian's Chromium. "
            "Run `make test` (it installs the system packages) or `apt-get install chromium`. "
            "未找到 Chromium，请运行 make test 安装系统依赖。",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API runs an asyncio event loop in this thread; without this Django refuses
    # the ORM calls that the tests and their fixtures make between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) and page per test, in Chinese and Shanghai time."""
    context = browser.new_context(
        viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    reports = request.node.stash.get(_reports_key, {})
    if any(report.failed for report in reports.values()):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
        try:
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
        except Exception as error:  # the page may have crashed; the test failure says why
            print(f"screenshot failed: {error}")
    context.close()


@pytest.fixture
def login(page):
    """``login(username, password)`` through the login page, as a person would; a user whose role
    needs a second factor types the code of their authenticator (made for them if missing)."""

    def do_login(username, password):
        from django.contrib.auth import get_user_model

        from szmz_security.accounts.services import has_second_factor
        from szmz_security.org.roles import requires_second_factor
        from tests.accounts_helpers import fresh_code, totp_device

        user = get_user_model().objects.get(username=username)
        device = totp_device(user) if requires_second_factor(user) or has_second_factor(user) else None
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        if device is not None and "/account/verify/" in page.url:
            page.get_by_label("动态口令").fill(fresh_code(device))
            page.get_by_role("button", name="验证").click()
            page.wait_for_load_state()
        return page

    return do_login
