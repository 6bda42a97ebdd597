"""The bureau's public accounts (公众账号, issue #15): a register of accounts as publishing channels,
publications to them through the same approval chain and filter, and a yearly review owed as an
obligation."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token

from publishing.accounts import services
from publishing.models import PublicAccount, PublicAccountReview, Publication
from publishing.publications import services as publications
from szmz_security.obligations.models import Obligation
from tests.factories import DepartmentFactory, UserFactory
from tests.publishing.factories import PublicAccountFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def account_form(department, officer, **changes):
    data = {
        "department": department.pk,
        "platform": "wechat",
        "name": "深圳民政",
        "account_id": "szmzj",
        "registered_entity": "深圳市民政局",
        "registered_on": "2019-05-01",
        "certification_no": "",
        "content_officer": officer.pk,
        "status": "active",
        "note": "",
    }
    data.update(changes)
    return data


def test_an_information_officer_registers_an_account_with_its_history(client, info_officer, info_centre):
    client.force_login(info_officer)
    response = client.post("/public-accounts/add/", account_form(info_centre, info_officer))
    assert response.status_code == 302
    account = PublicAccount.objects.get()
    assert (account.content_officer, account.department) == (info_officer, info_centre)
    assert account.history.get().history_user == info_officer
    page = client.get(account.get_absolute_url()).content.decode()
    assert "深圳市民政局" in page and "微信公众号" in page


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(client, info_officer, info_centre):
    client.force_login(info_officer)
    response = client.post(
        "/public-accounts/add/",
        account_form(info_centre, info_officer, deputy_officer=info_officer.pk, registered_on="2999-01-01"),
    )
    assert response.status_code == 200 or response.status_code == 400
    body = response.content.decode()
    assert "副责任人不能与内容安全负责人为同一人" in body
    assert PublicAccount.objects.count() == 0


def test_the_same_account_cannot_be_registered_twice(info_centre):
    PublicAccountFactory(platform="weibo", account_id="szmz")
    with pytest.raises(Exception):  # noqa: B017 - the database's unique constraint
        PublicAccountFactory(platform="weibo", account_id="szmz")


def test_the_api_refuses_bad_input_with_the_field_named(client, info_officer, info_centre):
    token, _ = Token.objects.get_or_create(user=info_officer)
    data = account_form(info_centre, info_officer, content_officer=999999)
    response = client.post("/api/public-accounts/", data, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 400
    assert "content_officer" in response.json()
    assert PublicAccount.objects.count() == 0


def test_another_departments_member_does_not_see_an_account(client, info_centre):
    account = PublicAccountFactory(department=info_centre)
    outsider = UserFactory(roles=["staff"], departments=[DepartmentFactory()])
    member = UserFactory(roles=["staff"], departments=[info_centre])
    client.force_login(outsider)
    assert account.name not in client.get("/public-accounts/").content.decode()
    assert client.get(account.get_absolute_url()).status_code == 404
    token, _ = Token.objects.get_or_create(user=outsider)
    assert (
        client.get(f"/api/public-accounts/{account.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code
        == 404
    )
    client.force_login(member)
    assert account.name in client.get("/public-accounts/").content.decode()


# --- publications to an account -------------------------------------------------------------------


def test_a_publication_to_an_account_must_match_its_platform(info_officer, info_centre):
    weibo = PublicAccountFactory(department=info_centre, platform="weibo")
    draft = Publication(title="通知", body="内容", channel="wechat", account=weibo, department=info_centre)
    with pytest.raises(Exception, match="与发布渠道不一致"):
        publications.create_publication(draft, by=info_officer)
    assert not Publication.objects.exists()


def test_a_suspended_account_takes_no_publication(info_officer, info_centre):
    account = PublicAccountFactory(department=info_centre, status=PublicAccount.Status.SUSPENDED)
    draft = Publication(title="通知", body="内容", channel="wechat", account=account, department=info_centre)
    with pytest.raises(Exception, match="不能向其发布"):
        publications.create_publication(draft, by=info_officer)


def test_publishing_to_an_account_suspended_during_the_chain_is_refused(info_officer, info_centre):
    account = PublicAccountFactory(department=info_centre)
    publication = PublicationFactory(
        department=info_centre, channel="wechat", account=account, state=Publication.State.READY
    )
    PublicAccount.objects.filter(pk=account.pk).update(status=PublicAccount.Status.SUSPENDED)
    publication.refresh_from_db()
    with pytest.raises(Exception, match="不能向其发布"):
        publications.publish(publication, by=info_officer)
    publication.refresh_from_db()
    assert publication.state == Publication.State.READY


# --- the yearly review ----------------------------------------------------------------------------


def test_each_operating_account_owes_one_review_a_year(info_centre):
    account = PublicAccountFactory(department=info_centre)
    PublicAccountFactory(department=info_centre, status=PublicAccount.Status.CLOSED)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        services.ensure_reviews()
        services.ensure_reviews()  # the daily task again: nothing doubled
    review = PublicAccountReview.objects.get()
    assert (review.account, review.year) == (account, 2026)
    obligation = Obligation.objects.get(kind=services.REVIEW_KIND)
    assert obligation.due_at == at(2026, 12, 31, 23, 59, 59)
    assert obligation.assignee == account.content_officer


def test_completing_the_review_meets_the_obligation_on_time(client, info_officer, info_centre):
    PublicAccountFactory(department=info_centre)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        (review,) = services.ensure_reviews()
        client.force_login(info_officer)
        response = client.post(
            f"/public-account-reviews/{review.pk}/complete/",
            {
                "still_needed": "on",
                "officer_confirmed": "on",
                "registration_current": "on",
                "conclusion": "账号正常",
            },
        )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewed_on == datetime.date(2026, 3, 1)
    assert review.obligation.state == Obligation.State.MET
    assert review.account.last_reviewed_on == datetime.date(2026, 3, 1)


def test_a_review_after_its_deadline_is_met_late(info_officer, info_centre):
    PublicAccountFactory(department=info_centre)
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        (review,) = services.ensure_reviews()
    with time_machine.travel(at(2027, 1, 5, 9), tick=False):
        services.complete_review(
            review,
            by=info_officer,
            still_needed=True,
            officer_confirmed=True,
            registration_current=True,
            conclusion="补做",
        )
    review.obligation.refresh_from_db()
    assert review.obligation.state == Obligation.State.MET_LATE


def test_a_review_without_a_conclusion_is_refused_and_writes_nothing(client, info_officer, info_centre):
    PublicAccountFactory(department=info_centre)
    (review,) = services.ensure_reviews()
    client.force_login(info_officer)
    response = client.post(f"/public-account-reviews/{review.pk}/complete/", {"conclusion": ""})
    assert response.status_code == 400
    assert "核查结论" in response.content.decode()
    review.refresh_from_db()
    assert review.reviewed_on is None and review.obligation.is_open


def test_a_review_cannot_be_completed_twice_through_the_api(client, info_officer, info_centre):
    PublicAccountFactory(department=info_centre)
    (review,) = services.ensure_reviews()
    token, _ = Token.objects.get_or_create(user=info_officer)
    url = f"/api/public-account-reviews/{review.pk}/complete/"
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    first = client.post(url, {"conclusion": "正常"}, content_type="application/json", **headers)
    assert first.status_code == 200
    assert first.json()["reviewed_on"]
    again = client.post(url, {"conclusion": "再次"}, content_type="application/json", **headers)
    assert again.status_code == 400
    assert "已完成" in str(again.json())


def test_an_account_no_longer_needed_must_be_closed_before_the_review(info_officer, info_centre):
    PublicAccountFactory(department=info_centre)
    (review,) = services.ensure_reviews()
    with pytest.raises(Exception, match="暂停或注销"):
        services.complete_review(
            review,
            by=info_officer,
            still_needed=False,
            officer_confirmed=True,
            registration_current=True,
            conclusion="不再需要",
        )


def test_the_review_list_shows_the_year_and_its_account(client, info_officer, info_centre):
    PublicAccountFactory(department=info_centre, name="民政之声")
    services.ensure_reviews()
    client.force_login(info_officer)
    body = client.get("/public-account-reviews/").content.decode()
    assert re.search(r"民政之声 \d{4}年度核查", body)


def test_closing_an_account_waives_the_review_it_still_owes(info_officer, info_centre):
    account = PublicAccountFactory(department=info_centre)
    (review,) = services.ensure_reviews()
    account.status = PublicAccount.Status.CLOSED
    services.save_account(account, by=info_officer, reason="注销")
    review.obligation.refresh_from_db()
    assert review.obligation.state == Obligation.State.WAIVED
    assert "已注销" in review.obligation.waived_reason
    assert services.ensure_reviews() == []  # a closed account owes no new review
