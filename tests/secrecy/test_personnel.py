"""Classified personnel (涉密人员): on post only after a passed review and a signed commitment; the
leaving procedure starts the 脱密期 by level and an obligation to confirm the release; yearly
secrecy education; need-to-know on the roster."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from secrecy.models import ClassifiedPerson, SecrecyEducation
from secrecy.personnel import services
from secrecy.tasks import ensure_personnel_archive_obligations
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import REDACTED
from tests.factories import DepartmentFactory, UserFactory
from tests.secrecy.factories import ClassifiedPersonFactory, SecrecyEducationFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
Status = ClassifiedPerson.Status


def form_data(department, person, **overrides):
    data = {
        "person": person.pk,
        "department": department.pk,
        "post": "涉密文件收发",
        "level": "important",
        "reviewed_on": "",
        "review_result": "",
        "reviewer": "",
        "commitment_signed_on": "",
        "status": "on_post",
        "note": "",
    }
    data.update(overrides)
    return data


# --- 上岗: review and commitment -----------------------------------------------------------------


def test_on_post_without_review_and_commitment_is_refused_next_to_the_fields(
    client, secrecy, department, staff
):
    client.force_login(secrecy)
    response = client.post(reverse("secrecy:classifiedperson_add"), form_data(department, staff))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["review_result"] == ["未通过保密资格审查的人员不能在涉密岗位上岗。"]
    assert form.errors["commitment_signed_on"] == ["未签订保密承诺书的人员不能在涉密岗位上岗。"]
    assert not ClassifiedPerson.objects.exists()


def test_a_failed_review_cannot_be_on_post(client, secrecy, department, staff):
    client.force_login(secrecy)
    today = timezone.localdate()
    data = form_data(
        department,
        staff,
        reviewed_on=f"{today:%Y-%m-%d}",
        review_result="failed",
        reviewer=secrecy.pk,
        commitment_signed_on=f"{today:%Y-%m-%d}",
    )
    response = client.post(reverse("secrecy:classifiedperson_add"), data)
    assert response.status_code == 400
    assert "未通过保密资格审查" in response.content.decode()
    assert not ClassifiedPerson.objects.exists()


def test_registered_on_post_is_restricted_and_read_by_the_department_head(
    client, secrecy, department, staff, head
):
    client.force_login(secrecy)
    today = timezone.localdate()
    data = form_data(
        department,
        staff,
        reviewed_on=f"{today:%Y-%m-%d}",
        review_result="passed",
        reviewer=secrecy.pk,
        commitment_signed_on=f"{today:%Y-%m-%d}",
    )
    response = client.post(reverse("secrecy:classifiedperson_add"), data)
    assert response.status_code == 302
    person = ClassifiedPerson.objects.get()
    assert person.status == Status.ON_POST and person.restricted
    assert person.history.first().history_change_reason == "登记涉密人员"
    # The head of the department was granted the record; a plain member of it sees nothing.
    client.force_login(head)
    assert client.get(person.get_absolute_url()).status_code == 200
    client.force_login(UserFactory(username="colleague", roles=["staff"], departments=[department]))
    assert client.get(person.get_absolute_url()).status_code == 404


def test_pending_person_may_be_registered_before_the_review(secrecy, department, staff):
    person = services.save_person(
        ClassifiedPerson(person=staff, department=department, post="待定岗位", level="general")
    )
    assert person.status == Status.PENDING


def test_one_current_entry_per_person(secrecy, department, staff):
    ClassifiedPersonFactory(person=staff, department=department)
    with pytest.raises(Exception) as error:
        services.save_person(
            ClassifiedPerson(person=staff, department=department, post="另一岗位", level="core")
        )
    assert "已在涉密人员名册中" in str(error.value)


def test_api_refuses_on_post_without_review_naming_the_field(client, secrecy, department, staff):
    client.force_login(secrecy)
    response = client.post(
        reverse("api:classifiedperson-list"),
        {
            "person": staff.pk,
            "department": department.pk,
            "post": "岗位",
            "level": "core",
            "status": "on_post",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "review_result" in response.json()
    assert not ClassifiedPerson.objects.exists()


def test_leadership_sees_the_roster_but_not_the_personal_data(client, leader, department):
    person = ClassifiedPersonFactory(department=department, restricted=True, post="核心机要岗位")
    client.force_login(leader)
    html = client.get(reverse("secrecy:classifiedperson_list")).content.decode()
    assert person.get_absolute_url() in html
    assert "核心机要岗位" not in html and REDACTED in html
    body = client.get(reverse("api:classifiedperson-detail", args=[person.pk])).json()
    assert body["post"] == REDACTED and body["status"] == "on_post"


# --- 离岗 and 脱密期 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "ends"), [("core", "2029-11-30"), ("important", "2028-11-30"), ("general", "2027-11-30")]
)
@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ), tick=False)
def test_leaving_starts_the_declassification_period_by_level(client, secrecy, department, level, ends):
    person = ClassifiedPersonFactory(department=department, level=level, restricted=True)
    client.force_login(secrecy)
    response = client.post(
        reverse("secrecy:classifiedperson_leave", args=[person.pk]),
        {"left_post_on": "2026-11-30", "leaving_commitment_signed_on": "2026-11-30"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Status.DECLASSIFYING
    assert f"{person.declassification_ends_on:%Y-%m-%d}" == ends
    obligation = person.declassification_obligation
    assert obligation.kind == "secrecy.declassification_period"
    assert obligation.is_open and obligation.restricted
    assert "secrecy_office" in obligation.notify_roles
    assert person.history.first().history_change_reason.startswith("离岗，进入脱密期")


def test_leaving_without_the_leaving_commitment_is_refused(client, secrecy, department):
    person = ClassifiedPersonFactory(department=department)
    client.force_login(secrecy)
    response = client.post(
        reverse("secrecy:classifiedperson_leave", args=[person.pk]),
        {"left_post_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response.status_code == 400
    assert response.context["leave_form"].errors["leaving_commitment_signed_on"] == [
        "离岗前须签订离岗保密承诺书。"
    ]
    person.refresh_from_db()
    assert person.status == Status.ON_POST
    assert not Obligation.objects.filter(kind="secrecy.declassification_period").exists()


def test_leave_through_the_api_and_a_400_naming_the_field(client, secrecy, department):
    person = ClassifiedPersonFactory(department=department)
    client.force_login(secrecy)
    url = reverse("api:classifiedperson-leave", args=[person.pk])
    today = f"{timezone.localdate():%Y-%m-%d}"
    bad = client.post(url, {"left_post_on": today}, content_type="application/json")
    assert bad.status_code == 400 and "leaving_commitment_signed_on" in bad.json()
    ok = client.post(
        url, {"left_post_on": today, "leaving_commitment_signed_on": today}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "declassifying"


def test_another_department_cannot_leave_or_release(client, outsider, department):
    person = ClassifiedPersonFactory(department=department)
    client.force_login(outsider)
    assert client.post(reverse("secrecy:classifiedperson_leave", args=[person.pk]), {}).status_code == 404
    assert client.post(reverse("api:classifiedperson-leave", args=[person.pk]), {}).status_code == 404


def test_release_before_the_end_is_refused_then_met_and_overdue_if_forgotten(secrecy, department):
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10, 0, tzinfo=TZ), tick=False):
        person = ClassifiedPersonFactory(department=department, level="general")
        person = services.leave_post(
            person,
            left_post_on=datetime.date(2026, 1, 10),
            leaving_commitment_signed_on=datetime.date(2026, 1, 10),
            by=secrecy,
        )
        assert person.declassification_ends_on == datetime.date(2027, 1, 10)
        with pytest.raises(Exception) as error:
            services.confirm_release(person, by=secrecy)
        assert "届满前不能解除" in str(error.value)
    obligation = person.declassification_obligation
    # Ten days after the end (SECRECY_RELEASE_CONFIRM_DAYS) without a confirmation it is overdue.
    with time_machine.travel(datetime.datetime(2027, 1, 21, 10, 0, tzinfo=TZ), tick=False):
        obligation.refresh_from_db()
        assert obligation.is_overdue()
    with time_machine.travel(datetime.datetime(2027, 1, 15, 10, 0, tzinfo=TZ), tick=False):
        services.confirm_release(person, by=secrecy)
    person.refresh_from_db()
    obligation.refresh_from_db()
    assert person.status == Status.RELEASED
    assert obligation.state == Obligation.State.MET


def test_declassification_months_come_from_settings(settings, secrecy, department):
    settings.SECRECY_DECLASSIFICATION_MONTHS = {"core": 24, "important": 12, "general": 6}
    person = ClassifiedPersonFactory(department=department, level="general")
    left = timezone.localdate()
    person = services.leave_post(person, left_post_on=left, leaving_commitment_signed_on=left, by=secrecy)
    assert person.declassification_ends_on == services.add_months(left, 6)


def test_status_of_a_leaver_is_not_set_back_on_the_form(client, secrecy, department):
    person = ClassifiedPersonFactory(department=department)
    left = timezone.localdate()
    services.leave_post(person, left_post_on=left, leaving_commitment_signed_on=left, by=secrecy)
    person.refresh_from_db()
    person.status = Status.ON_POST
    with pytest.raises(Exception) as error:
        services.save_person(person)
    assert "办理离岗" in str(error.value)


# --- 保密教育 ------------------------------------------------------------------------------------


@pytest.fixture
def office(db, settings):
    settings.SECRECY_OFFICE_DEPARTMENT = "BGS"
    return DepartmentFactory(code="BGS", name="办公室")


@time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=TZ), tick=False)
def test_yearly_education_obligation_is_created_once_and_met_when_all_attended(office, department, secrecy):
    first = ClassifiedPersonFactory(department=department)
    second = ClassifiedPersonFactory(department=department)
    ClassifiedPersonFactory(department=department, status=Status.PENDING, review_result="", reviewed_on=None)
    ensure_personnel_archive_obligations()
    ensure_personnel_archive_obligations()
    (obligation,) = Obligation.objects.filter(kind="secrecy.education")
    assert obligation.department == office
    assert timezone.localtime(obligation.due_at).date() == datetime.date(2026, 12, 31)
    # A session missing one person on post leaves the obligation open.
    session = SecrecyEducationFactory(
        department=office, held_on=datetime.date(2026, 5, 20), attendees=[first.person]
    )
    services.check_education(2026)
    obligation.refresh_from_db()
    assert obligation.is_open
    assert list(services.education_missing(2026)) == [second]
    session.attendees.add(second.person)
    services.check_education(2026, by=secrecy)
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert "在岗涉密人员 2 人均已参加" in obligation.evidence


def test_education_form_records_attendees_and_meets_the_obligation(client, office, department, secrecy):
    person = ClassifiedPersonFactory(department=department)
    services.ensure_yearly_education()
    client.force_login(secrecy)
    today = timezone.localdate()
    response = client.post(
        reverse("secrecy:secrecyeducation_add"),
        {
            "held_on": f"{today:%Y-%m-%d}",
            "topic": "保密法学习",
            "organizer": "保密办",
            "department": office.pk,
            "attendees": [person.person.pk],
            "note": "",
        },
    )
    assert response.status_code == 302
    education = SecrecyEducation.objects.get()
    assert list(education.attendees.all()) == [person.person]
    assert Obligation.objects.get(kind="secrecy.education").state == Obligation.State.MET


def test_education_in_the_future_is_refused(client, office, secrecy):
    client.force_login(secrecy)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("secrecy:secrecyeducation_add"),
        {"held_on": f"{tomorrow:%Y-%m-%d}", "topic": "x", "department": office.pk},
    )
    assert response.status_code in (200, 400)
    assert "form" in response.context and "held_on" in response.context["form"].errors
    assert not SecrecyEducation.objects.exists()


def test_education_obligation_is_overdue_after_the_year_without_sessions(office, department):
    ClassifiedPersonFactory(department=department)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, 0, tzinfo=TZ), tick=False):
        obligation = services.ensure_yearly_education()
    with time_machine.travel(datetime.datetime(2027, 1, 2, 10, 0, tzinfo=TZ), tick=False):
        obligation.refresh_from_db()
        assert obligation.is_open and obligation.is_overdue()
