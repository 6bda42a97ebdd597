"""The quarterly internal risk review (regulation 4 §3): created by beat at each quarter's start with
its checklist and obligation; items assessed; findings become obligations; results circulated with
read tracking; sign-off meets the obligation on time or late."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.assessments import services as assessments
from audits.models import Circulation, QuarterlyReview, ReviewItem
from audits.reviews import services
from audits.tasks import ensure_quarterly_review
from szmz_security.compliance.models import Clause
from szmz_security.obligations.models import Notification, Obligation
from tests.factories import DepartmentFactory, UserFactory
from tests.notifications import deliveries, told

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def applicable_clauses():
    return Clause.objects.filter(framework__code="szmz-2008", retired=False, chapter__retired=False).exclude(
        not_applicable_reason__gt=""
    )


@pytest.fixture
def review(information_centre, officer):
    with time_machine.travel(at(2027, 4, 1, 9, 0), tick=False):
        return services.ensure_quarterly_review()


# --- generation by beat ----------------------------------------------------------------------------


def test_beat_at_a_quarters_start_creates_one_review_and_obligation(information_centre):
    with time_machine.travel(at(2027, 4, 1, 0, 30), tick=False):
        ensure_quarterly_review()
        ensure_quarterly_review()  # the beat runs hourly: a second run adds nothing
    review = QuarterlyReview.objects.get()
    assert (review.year, review.quarter) == (2027, 2)
    assert review.department == information_centre
    obligations = Obligation.objects.filter(kind=services.REVIEW_KIND)
    assert obligations.count() == 1
    obligation = obligations.get()
    assert obligation == review.obligation
    assert obligation.clause == "市民政局制度 第四章第3条"
    assert obligation.department == information_centre
    # Due by the end of the quarter it covers (local time).
    assert timezone.localtime(obligation.due_at).date() == datetime.date(2027, 6, 30)
    assert obligation.subject == review

    # The next quarter brings the next review, once.
    with time_machine.travel(at(2027, 7, 1, 1, 0), tick=False):
        ensure_quarterly_review()
        ensure_quarterly_review()
    assert list(QuarterlyReview.objects.order_by("quarter").values_list("quarter", flat=True)) == [2, 3]
    assert Obligation.objects.filter(kind=services.REVIEW_KIND).count() == 2


def test_beat_ensures_the_yearly_external_assessment_obligation(information_centre, settings):
    settings.AUDITS_EXTERNAL_DUE = "11-30"
    with time_machine.travel(at(2027, 1, 1, 0, 30), tick=False):
        ensure_quarterly_review()
        ensure_quarterly_review()
    obligation = Obligation.objects.get(kind=assessments.EXTERNAL_KIND)
    assert timezone.localtime(obligation.due_at).date() == datetime.date(2027, 11, 30)
    with time_machine.travel(at(2028, 1, 1, 0, 30), tick=False):
        ensure_quarterly_review()
    assert Obligation.objects.filter(kind=assessments.EXTERNAL_KIND).count() == 2


def test_no_review_without_the_owning_department(db, settings):
    settings.AUDITS_REVIEW_DEPARTMENT = "NOPE"
    assert services.ensure_quarterly_review() is None
    assert not QuarterlyReview.objects.exists()


# --- the checklist ---------------------------------------------------------------------------------


def test_checklist_has_one_item_per_applicable_clause_with_a_hint(review):
    clauses = applicable_clauses()
    assert clauses.count() > 40
    items = list(review.items.select_related("clause"))
    assert {item.clause_id for item in items} == set(clauses.values_list("pk", flat=True))
    # Clauses marked N/A in the framework (e.g. 施行日期) are left out.
    assert not review.items.filter(clause__not_applicable_reason__gt="").exists()
    # Each item carries the compliance service's status and evidence summary as a hint.
    item = review.items.get(clause__code="4.3")
    assert item.hint_status in {"met", "due_soon", "overdue", "late", "no_evidence"}
    assert item.hint
    assert all(not item.result for item in items)


# --- assessing items --------------------------------------------------------------------------------


def test_item_results_and_the_note_rule(review, officer):
    item = review.items.first()
    services.assess_item(item, result=ReviewItem.Result.COMPLIANT, note="", by=officer)
    item.refresh_from_db()
    assert item.result == "compliant" and item.assessed_by == officer and item.assessed_at
    for result in (ReviewItem.Result.PARTIAL, ReviewItem.Result.NONCOMPLIANT):
        with pytest.raises(ValidationError) as error:
            services.assess_item(item, result=result, note="  ", by=officer)
        assert "证据说明" in error.value.message_dict["note"][0]
    services.assess_item(
        item, result=ReviewItem.Result.NONCOMPLIANT, note="机房登记簿缺 3 月记录", by=officer
    )
    item.refresh_from_db()
    assert item.result == "noncompliant"
    assert item.history.count() == 3  # created, and two assessments


def test_only_officers_assess(review, staff):
    with pytest.raises(PermissionDenied):
        services.assess_item(review.items.first(), result="compliant", by=staff)


# --- findings -------------------------------------------------------------------------------------------


def test_a_finding_is_an_obligation_of_its_owner(review, officer, department, staff):
    due = timezone.now() + datetime.timedelta(days=30)
    finding = services.add_finding(
        review,
        title="部分处室计算机未安装正版杀毒软件",
        severity="high",
        department=department,
        owner=staff,
        due_at=due,
        by=officer,
        item=review.items.first(),
    )
    obligation = finding.obligation
    assert obligation.kind == "audits.finding"
    assert obligation.assignee == staff
    assert obligation.department == department
    assert obligation.due_at == due
    assert obligation.is_open
    # The owner may now open the review the finding came from.
    assert QuarterlyReview.objects.visible_to(staff).filter(pk=review.pk).exists()


def test_a_finding_needs_owner_and_a_future_due_date(review, officer, department, staff):
    with pytest.raises(ValidationError) as error:
        services.add_finding(
            review,
            title="",
            severity="high",
            department=department,
            owner=None,
            due_at=timezone.now() - datetime.timedelta(days=1),
            by=officer,
        )
    assert set(error.value.message_dict) == {"title", "owner", "due_at"}
    assert not Obligation.objects.filter(kind="audits.finding").exists()


# --- circulation ----------------------------------------------------------------------------------------


def test_circulation_notifies_members_and_tracks_reading(
    client, review, officer, department, staff, head, outsider
):
    assert not QuarterlyReview.objects.visible_to(staff).filter(pk=review.pk).exists()
    count = services.circulate(review, [department], by=officer)
    assert count == 2
    assert set(Circulation.objects.filter(review=review).values_list("user__username", flat=True)) == {
        "staff",
        "head",
    }
    notes = Notification.objects.filter(key=f"audits.circulation:{review.pk}")
    assert told(notes) == {"staff", "head"}
    assert not Notification.objects.for_user(outsider).exists()
    # Circulating again sends nothing twice.
    assert services.circulate(review, [department], by=officer) == 0
    assert notes.count() == 1
    assert sorted(deliveries(notes)) == [("head", ""), ("staff", "")]  # one message, each named once

    # The circulated department may read the review; reading is recorded.
    client.force_login(staff)
    url = reverse("audits:quarterlyreview_circulation", args=[review.pk])
    assert client.get(url).status_code == 200
    assert Circulation.objects.get(user=staff).read_at is not None
    assert Circulation.objects.get(user=head).read_at is None
    # Another department still cannot.
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    # The officer sees who has read it.
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "已读" in html and "未读" in html


def test_circulation_needs_a_department(review, officer):
    with pytest.raises(ValidationError):
        services.circulate(review, [], by=officer)


# --- sign-off ---------------------------------------------------------------------------------------------


def assess_all(review, officer):
    for item in review.items.all():
        services.assess_item(item, result=ReviewItem.Result.COMPLIANT, note="抽查记录齐全", by=officer)


def test_sign_off_refused_until_every_item_is_assessed(review, officer):
    first = review.items.first()
    services.assess_item(first, result="compliant", by=officer)
    with pytest.raises(ValidationError) as error:
        services.sign_off(review, by=officer)
    total = review.items.count()
    assert f"尚有 {total - 1} 项未评估" in error.value.messages[0]
    review.refresh_from_db()
    assert not review.signed_off
    assert review.obligation.is_open


def test_sign_off_meets_the_obligation_on_time(review, officer):
    with time_machine.travel(at(2027, 5, 10, 10, 0), tick=False):
        assess_all(review, officer)
        services.sign_off(review, by=officer, summary="总体符合，发现两项问题已通报。")
    review.refresh_from_db()
    assert review.signed_off_by == officer
    assert timezone.localtime(review.signed_off_at) == at(2027, 5, 10, 10, 0)
    assert review.obligation.state == Obligation.State.MET
    assert "签发" in review.obligation.evidence
    # Signed off: nothing may change any more.
    with pytest.raises(ValidationError):
        services.assess_item(review.items.first(), result="partial", note="x", by=officer)


def test_sign_off_after_the_deadline_is_late(review, officer):
    with time_machine.travel(at(2027, 7, 3, 10, 0), tick=False):
        assess_all(review, officer)
        services.sign_off(review, by=officer)
    review.obligation.refresh_from_db()
    assert review.obligation.state == Obligation.State.MET_LATE


def test_sign_off_page_shows_the_clear_message(client, review, officer):
    client.force_login(officer)
    response = client.post(reverse("audits:quarterlyreview_sign_off", args=[review.pk]), {"summary": ""})
    assert response.status_code == 400
    assert "全部评估后才能签发" in response.content.decode()


def test_assessing_an_item_in_the_browser_form(client, review, officer):
    item = review.items.get(clause__code="4.3")
    client.force_login(officer)
    url = reverse("audits:reviewitem_assess", args=[review.pk, item.pk])
    response = client.post(url, {f"item{item.pk}-result": "partial", f"item{item.pk}-note": ""})
    assert response.status_code == 400
    assert "须填写证据说明" in response.content.decode()
    response = client.post(
        url, {f"item{item.pk}-result": "partial", f"item{item.pk}-note": "第二季度尚未通报"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.result, item.note) == ("partial", "第二季度尚未通报")


def test_staff_of_another_department_cannot_assess(client, review, outsider):
    item = review.items.first()
    client.force_login(outsider)
    url = reverse("audits:reviewitem_assess", args=[review.pk, item.pk])
    assert client.post(url, {f"item{item.pk}-result": "compliant"}).status_code == 404


def test_information_centre_staff_read_but_cannot_assess(client, review, information_centre):
    clerk = UserFactory(username="xxzx-clerk", roles=["staff"], departments=[information_centre])
    item = review.items.first()
    client.force_login(clerk)
    assert client.get(review.get_absolute_url()).status_code == 200
    url = reverse("audits:reviewitem_assess", args=[review.pk, item.pk])
    assert client.post(url, {f"item{item.pk}-result": "compliant"}).status_code == 403


def test_members_of_a_circulated_department_only(review, officer):
    third = DepartmentFactory(code="MZJ3", name="第三处")
    member = UserFactory(username="third", roles=["staff"], departments=[third])
    services.circulate(review, [third], by=officer)
    assert QuarterlyReview.objects.visible_to(member).filter(pk=review.pk).exists()
    assert not QuarterlyReview.objects.visible_to(member, "change").filter(pk=review.pk).exists()
