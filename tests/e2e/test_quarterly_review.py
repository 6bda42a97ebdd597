"""Issue 6: an officer completes an item of this quarter's internal risk review (4 §3) in the browser
and downloads the review as a PDF."""

import re

from playwright.sync_api import expect

from audits.models import ReviewItem
from audits.reviews import services
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

NOTE = "抽查信息中心机房登记簿与季度评估记录，齐全。"


def test_officer_assesses_an_item_and_downloads_the_pdf(page, login, live_server, tmp_path):
    information_centre = DepartmentFactory(code="XXZX", name="信息中心")
    UserFactory(
        username="officer.xxzx",
        profile="陈安",
        roles=["security_officer", "staff"],
        departments=[information_centre],
    )
    # What the hourly beat does at the quarter's start (live_server flushed the frameworks back in).
    review = services.ensure_quarterly_review()
    item = review.items.get(clause__code="4.3")

    login("officer.xxzx", PASSWORD)
    page.get_by_test_id("nav-compliance").click()
    page.get_by_test_id("nav-quarterly-reviews").click()
    expect(page).to_have_url(re.compile(r"/audits/reviews/$"))
    page.get_by_role("link", name=str(review)).click()
    expect(page.get_by_role("heading", name=str(review))).to_be_visible()
    expect(page.get_by_test_id("progress")).to_contain_text(f"已评估 0 / {review.items.count()}")

    row = page.locator(f"#item-{item.pk}")
    row.get_by_label("符合", exact=True).check()
    row.get_by_label("证据说明").fill(NOTE)
    row.get_by_role("button", name="保存").click()

    row = page.locator(f"#item-{item.pk}")
    expect(row.get_by_test_id("item-result")).to_have_text("符合")
    expect(page.get_by_test_id("progress")).to_contain_text("已评估 1 /")
    item.refresh_from_db()
    assert (item.result, item.note) == (ReviewItem.Result.COMPLIANT, NOTE)

    with page.expect_download() as download_info:
        page.get_by_test_id("review-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
