"""A clerk drafts an item, the filter highlights a blocked word in place, and after correction it
passes the department head and the information officer (10 §1)."""

import re

import pytest
from playwright.sync_api import expect

from publishing import wordfilter
from publishing.models import Publication
from tests.factories import PASSWORD, DepartmentFactory, UserFactory


@pytest.fixture
def people(department):
    wordfilter.add_words([{"word": "赌博网站", "category": "gambling", "level": "block"}])
    wordfilter.reset_local_cache()
    centre = DepartmentFactory(code="XXZX", name="信息中心")
    return {
        "clerk": UserFactory(username="clerk", profile="李敏", roles=["staff"], departments=[department]),
        "head": UserFactory(
            username="head.shjz", profile="王强", roles=["department_head", "staff"], departments=[department]
        ),
        "info": UserFactory(
            username="info.xxzx", profile="陈静", roles=["information_officer", "staff"], departments=[centre]
        ),
    }


def decide(page, button, comment=""):
    if comment:
        page.get_by_label("意见").fill(comment)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_clerk_submits_filter_highlights_then_head_and_information_officer_approve(page, login, people):
    login("clerk", PASSWORD)
    page.get_by_test_id("nav-publishing").click()
    page.get_by_role("link", name="起草信息").click()
    page.get_by_label("标题").fill("关于冬季救助热线的通知")
    page.get_by_label("正文").fill("冬季救助热线已开通。请勿访问赌 博 网站。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("关于冬季救助热线的通知"))).to_be_visible()

    decide(page, "提交审批")
    expect(page.get_by_test_id("decision-error")).to_contain_text("禁止发布的敏感词")
    mark = page.get_by_test_id("highlighted-body").locator("mark")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text("赌 博 网站")
    publication = Publication.objects.get()
    assert publication.state == Publication.State.DRAFT

    page.get_by_test_id("edit").click()
    page.get_by_label("正文").fill("冬季救助热线已开通，电话 12345。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("highlighted-body").locator("mark")).to_have_count(0)
    decide(page, "提交审批", "请审批")
    expect(page.locator("[data-state]").first).to_have_text("处室负责人审批")

    page.context.clear_cookies()
    login("head.shjz", PASSWORD)
    page.goto("/publications/pending/")
    page.get_by_role("link", name="关于冬季救助热线的通知").click()
    decide(page, "同意", "同意发布")
    expect(page.locator("[data-state]").first).to_have_text("信息员审核")

    page.context.clear_cookies()
    login("info.xxzx", PASSWORD)
    page.goto(publication.get_absolute_url())
    decide(page, "同意", "审核通过")
    expect(page.locator("[data-state]").first).to_have_text("待发布")
    steps = page.get_by_test_id("steps")
    expect(steps.get_by_role("listitem")).to_have_count(3)
    expect(steps).to_contain_text("王强")
    expect(steps).to_contain_text("陈静")
    publication.refresh_from_db()
    assert publication.state == Publication.State.READY
