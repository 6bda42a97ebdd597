"""Filing and reading incidents through /api/incidents/ (token or session)."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from incidents import services
from incidents.models import Incident, TimelineEntry
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/incidents/"


def payload(dept, **changes):
    data = {
        "title": "办公电脑感染病毒",
        "description": "杀毒软件报警，已断开网络",
        "discovered_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "department": dept.pk,
        "secret_leak": False,
    }
    data.update(changes)
    return data


def post(client, user, data):
    token, _ = Token.objects.get_or_create(user=user)
    return client.post(LIST, data, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}")


def test_filing_an_incident(client, staff, department):
    response = post(client, staff, payload(department))
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert incident.reported_by == staff
    assert incident.department == department
    assert body["reported_by"] == staff.pk
    assert body["restricted"] is False
    # The reporter sees it at once, in the list and by itself.
    rows = client.get(LIST, HTTP_AUTHORIZATION=f"Token {staff.auth_token.key}").json()["results"]
    assert [row["id"] for row in rows] == [incident.pk]
    detail = client.get(
        reverse("api:incident-detail", args=[incident.pk]), HTTP_AUTHORIZATION=f"Token {staff.auth_token.key}"
    )
    assert detail.status_code == 200
    assert detail.json()["title"] == "办公电脑感染病毒"
    # Filing through the API is recorded in the history with the reporter as author.
    assert incident.history.get().history_type == "+"


def test_a_future_discovery_time_is_refused_and_nothing_is_written(client, staff, department):
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    response = post(client, staff, payload(department, discovered_at=future))
    assert response.status_code == 400
    assert response.json()["discovered_at"] == ["发现时间不能晚于当前时间。"]
    assert not Incident.objects.exists()
    assert not Incident.history.exists()


def test_another_departments_id_is_refused(client, staff, department, other_department):
    response = post(client, staff, payload(other_department))
    assert response.status_code == 400
    assert list(response.json()) == ["department"]
    assert "该部门" in response.json()["department"][0]
    assert not Incident.objects.exists()


def test_an_unknown_department_is_refused(client, staff, department):
    response = post(client, staff, payload(department, department=999999))
    assert response.status_code == 400
    assert "department" in response.json()
    assert not Incident.objects.exists()


def test_an_officer_files_for_any_department(client, officer, other_department):
    response = post(client, officer, payload(other_department))
    assert response.status_code == 201
    assert Incident.objects.get().department == other_department


def test_a_role_without_the_add_permission_may_not_file(client, inspector, department):
    response = post(client, inspector, payload(department))
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_a_secret_leak_filed_by_api_is_restricted_but_the_reporter_keeps_it(client, staff, department):
    response = post(client, staff, payload(department, secret_leak=True, title="涉密文件外发"))
    assert response.status_code == 201
    assert response.json()["restricted"] is True
    incident_url = reverse("api:incident-detail", args=[response.json()["id"]])
    assert client.get(incident_url, HTTP_AUTHORIZATION=f"Token {staff.auth_token.key}").status_code == 200

    colleague = UserFactory(username="colleague", roles=["staff"], departments=[department])
    client.force_login(colleague)
    assert client.get(incident_url).status_code == 404
    assert client.get(LIST).json()["count"] == 0


def test_restricted_cannot_be_cleared_through_the_api(client, officer, department):
    response = post(client, officer, payload(department, secret_leak=True))
    incident_url = reverse("api:incident-detail", args=[response.json()["id"]])
    client.force_login(officer)
    response = client.patch(incident_url, {"restricted": False}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["restricted"] is True
    assert Incident.objects.get().restricted is True


def test_moving_an_incident_to_a_department_the_head_does_not_run_is_refused(
    client, head, department, other_department
):
    client.force_login(head)
    response = client.post(LIST, payload(department), content_type="application/json")
    assert response.status_code == 201
    incident_url = reverse("api:incident-detail", args=[response.json()["id"]])
    response = client.patch(
        incident_url, {"department": other_department.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "department" in response.json()
    assert Incident.objects.get().department == department


def test_filter_by_department(client, officer, department, other_department):
    assert post(client, officer, payload(department, title="甲")).status_code == 201
    assert post(client, officer, payload(other_department, title="乙")).status_code == 201
    client.force_login(officer)
    rows = client.get(LIST, {"department": other_department.pk}).json()["results"]
    assert [row["title"] for row in rows] == ["乙"]


# --- filing: the full payload, defaults, obligations in the answer ---------------------------------


def full_payload(dept=None, **changes):
    discovered = timezone.now() - timedelta(hours=2)
    data = {
        "title": "门户网站遭篡改",
        "description": "首页被植入非法链接",
        "discovered_at": discovered.isoformat(),
        "occurred_at": (discovered - timedelta(hours=1)).isoformat(),
        "category": "attack",
        "subcategory": "attack.intrusion",
        "secret_leak": False,
        "personal_info_involved": True,
        "personal_info_count": 1200,
        "crime_suspected": True,
        "suggested_grade": 1,
        "affects_critical_infrastructure": False,
        "place": "市民政局机房",
    }
    if dept is not None:
        data["department"] = dept.pk
    data.update(changes)
    return data


def as_user(client, user):
    client.force_login(user)
    return client


def post_as(client, user, data, url=LIST):
    return as_user(client, user).post(url, data, content_type="application/json")


def parse(value):
    return datetime.fromisoformat(value)


def nothing_written():
    return (
        not Incident.objects.exists()
        and not Incident.history.exists()
        and not Obligation.objects.exists()
        and not TimelineEntry.objects.exists()
    )


def test_filing_answers_201_with_the_obligations_it_owes(client, staff, department):
    response = post_as(client, staff, full_payload(department))
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert (incident.category, incident.subcategory, incident.place) == (
        "attack",
        "attack.intrusion",
        "市民政局机房",
    )
    assert incident.personal_info_count == 1200 and incident.crime_suspected
    assert body["state"] == "new"
    assert body["effective_grade"] == 1
    by_authority = {row["authority"]: row for row in body["obligations"]}
    assert set(by_authority) == {"公安机关", "个人信息保护监管部门及受影响个人"}
    police = by_authority["公安机关"]
    assert set(police) >= {"id", "authority", "clause", "due_at", "state", "met_at", "overdue"}
    assert police["clause"] == "市民政局制度 第三章第4条"
    assert parse(police["due_at"]) == incident.discovered_at + timedelta(hours=24)
    assert (police["state"], police["met_at"], police["overdue"]) == ("open", None, False)
    assert police["id"] in set(incident.obligations.values_list("pk", flat=True))
    # Ordered by deadline, like the detail page.
    dues = [parse(row["due_at"]) for row in body["obligations"]]
    assert dues == sorted(dues)


def test_the_department_defaults_to_the_reporters_first(client, staff, department):
    response = post_as(client, staff, full_payload())
    assert response.status_code == 201, response.content
    assert response.json()["department"] == department.pk
    assert Incident.objects.get().department == department


def test_a_user_of_no_department_must_name_one(client, officer, department):
    officer.groups.remove(*[group for group in officer.groups.all() if hasattr(group, "department")])
    response = post_as(client, officer, full_payload())
    assert response.status_code == 400
    assert list(response.json()) == ["department"]
    assert nothing_written()
    assert post_as(client, officer, full_payload(department)).status_code == 201


def test_the_type_follows_from_a_sub_type_given_alone(client, staff, department):
    data = full_payload(department, subcategory="malware.ransomware")
    del data["category"]
    response = post_as(client, staff, data)
    assert response.status_code == 201, response.content
    assert response.json()["category"] == "malware"


def test_an_overdue_deadline_shows_overdue_at_once(client, staff, department):
    response = post_as(
        client,
        staff,
        full_payload(
            department, discovered_at=(timezone.now() - timedelta(hours=30)).isoformat(), occurred_at=None
        ),
    )
    assert response.status_code == 201, response.content
    assert {row["authority"]: row["overdue"] for row in response.json()["obligations"]} == {
        "公安机关": True,
        "个人信息保护监管部门及受影响个人": True,
    }


# --- invalid input: 400 naming the field, nothing written -------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"discovered_at": "future"},
            "discovered_at",
            "发现时间不能晚于当前时间。",
        ),
        ({"occurred_at": "after-discovery"}, "occurred_at", "发生时间不能晚于发现时间。"),
        (
            {"category": "malware", "subcategory": "attack.intrusion"},
            "subcategory",
            "事件子类与事件类型不一致。",
        ),
        (
            {"personal_info_involved": False},
            "personal_info_involved",
            "填写了涉及人数时，请勾选“涉及个人信息”。",
        ),
        ({"network_disconnected": True}, "disconnected_at", "已断网时请填写断网时间。"),
        ({"subcategory": "attack.nonsense"}, "subcategory", None),
        ({"category": "earthquake"}, "category", None),
        ({"personal_info_count": -1}, "personal_info_count", None),
        ({"discovered_at": None}, "discovered_at", None),
        ({"title": ""}, "title", None),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_invalid_input_names_the_field_and_writes_nothing(client, staff, department, changes, field, message):
    now = timezone.now()
    if changes.get("discovered_at") == "future":
        changes = {"discovered_at": (now + timedelta(hours=1)).isoformat()}
    if changes.get("occurred_at") == "after-discovery":
        changes = {"occurred_at": (now - timedelta(minutes=30)).isoformat()}
    response = post_as(client, staff, full_payload(department, **changes))
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    if message:
        assert response.json()[field] == [message]
    else:
        assert re.search(r"[\u4e00-\u9fff]", response.json()[field][0]), "the message is in Chinese"
    assert nothing_written()


def test_another_departments_id_names_department_and_writes_nothing(client, staff, other_department):
    response = post_as(client, staff, full_payload(other_department))
    assert response.status_code == 400
    assert response.json() == {"department": ["您不能为该部门登记记录。"]}
    assert nothing_written()


def test_an_officer_may_not_grade_below_the_personal_information_minimum(client, officer, department):
    response = post_as(client, officer, full_payload(department, personal_info_count=2_000_000, grade=1))
    assert response.status_code == 400
    assert list(response.json()) == ["grade"]
    assert "不得低于“较大”" in response.json()["grade"][0]
    assert nothing_written()


# --- grade from a reporter and from an officer ------------------------------------------------------


def test_a_reporters_grade_is_kept_as_a_suggestion_and_starts_the_clock(client, staff, department):
    response = post_as(client, staff, full_payload(department, grade=2, suggested_grade=None))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["grade"], body["suggested_grade"], body["effective_grade"]) == (None, 2, 2)
    assert "省网信办" in {row["authority"] for row in body["obligations"]}
    incident = Incident.objects.get()
    assert (incident.grade, incident.suggested_grade) == (None, 2)


def test_a_reporters_grade_contradicting_the_suggestion_is_refused(client, staff, department):
    response = post_as(client, staff, full_payload(department, grade=3, suggested_grade=1))
    assert response.status_code == 400
    assert list(response.json()) == ["grade"]
    assert nothing_written()


def test_an_officer_grades_when_filing(client, officer, department):
    response = post_as(client, officer, full_payload(department, grade=2))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["grade"], body["effective_grade"]) == (2, 2)
    cac = next(row for row in body["obligations"] if row["authority"] == "省网信办")
    assert parse(cac["due_at"]) == Incident.objects.get().discovered_at + timedelta(hours=4)
    kinds = list(TimelineEntry.objects.values_list("kind", flat=True))
    assert kinds[0] == "filed" and "grade" in kinds and "obligation" in kinds


# --- reading through the access rule ---------------------------------------------------------------


@pytest.fixture
def filed(client, staff, department):
    response = post_as(client, staff, full_payload(department))
    assert response.status_code == 201
    client.logout()
    return Incident.objects.get(pk=response.json()["id"])


def detail_url(incident, action=None):
    if action:
        return reverse(f"api:incident-{action}", args=[incident.pk])
    return reverse("api:incident-detail", args=[incident.pk])


def test_another_department_gets_404_and_an_empty_list(client, outsider, filed):
    as_user(client, outsider)
    assert client.get(detail_url(filed)).status_code == 404
    assert client.get(LIST).json()["count"] == 0
    assert client.get(LIST, {"department": filed.department_id}).json()["count"] == 0


def test_the_department_reads_it_with_its_obligations(client, head, filed):
    as_user(client, head)
    detail = client.get(detail_url(filed)).json()
    assert {row["authority"] for row in detail["obligations"]} == {
        "公安机关",
        "个人信息保护监管部门及受影响个人",
    }
    listed = client.get(LIST).json()["results"]
    assert [row["id"] for row in listed] == [filed.pk]
    assert listed[0]["obligations"] == detail["obligations"]


def test_a_restricted_leak_is_hidden_from_its_own_department(client, staff, head, department):
    response = post_as(client, staff, full_payload(department, secret_leak=True, title="涉密文件外发"))
    assert response.status_code == 201
    body = response.json()
    assert body["restricted"] is True
    assert {row["authority"] for row in body["obligations"]} >= {"保密机关"}
    colleague = UserFactory(username="colleague2", roles=["staff"], departments=[department])
    for member in (colleague, head):
        as_user(client, member)
        assert client.get(detail_url(Incident.objects.get())).status_code == 404
        assert client.get(LIST).json()["count"] == 0
        assert client.get(LIST, {"secret_leak": True}).json()["count"] == 0


def many_incidents(department, reporter, count):
    for index in range(count):
        services.file_incident(
            Incident(
                title=f"事件{index}",
                description="—",
                discovered_at=timezone.now() - timedelta(hours=index + 1),
                department=department,
                reported_by=reporter,
                crime_suspected=True,
                secret_leak=index % 2 == 1,
                personal_info_involved=True,
            )
        )


@pytest.mark.parametrize("who", ["staff", "head", "officer"])
def test_list_and_detail_take_a_constant_number_of_queries(client, department, staff, head, officer, who):
    user = {"staff": staff, "head": head, "officer": officer}[who]
    as_user(client, user)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    many_incidents(department, staff, 1)
    first = Incident.objects.get()
    queries(LIST)  # warm the per-process caches (content types, permissions)
    queries(detail_url(first))  # and the access log's chain head (its first event finds it in the log)
    one = queries(LIST)
    one_detail = queries(detail_url(first))
    many_incidents(department, staff, 8)
    assert client.get(LIST).json()["count"] >= 5
    assert queries(LIST) == one
    assert queries(detail_url(first)) == one_detail


def test_filters(client, officer, department, other_department):
    as_user(client, officer)
    ids = {}
    for name, changes in {
        "graded": {"grade": 3},
        "leak": {"secret_leak": True},
        "malware": {"category": "malware", "subcategory": "malware.virus", "crime_suspected": False},
        "other": {"department": other_department.pk},
    }.items():
        response = client.post(
            LIST, {**full_payload(department), "title": name, **changes}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        ids[name] = response.json()["id"]
    assert (
        client.post(
            detail_url(Incident.objects.get(pk=ids["graded"]), "transition"),
            {"state": "accepted"},
            content_type="application/json",
        ).status_code
        == 200
    )

    def titles(**query):
        return {row["title"] for row in client.get(LIST, query).json()["results"]}

    assert titles(state="accepted") == {"graded"}
    assert titles(state="new") == {"leak", "malware", "other"}
    assert titles(grade=3) == {"graded"}
    assert titles(category="malware") == {"malware"}
    assert titles(category="attack") == {"graded", "leak", "other"}
    assert titles(secret_leak=True) == {"leak"}
    assert titles(department=other_department.pk) == {"other"}
    assert client.get(LIST, {"grade": 9}).status_code == 400


# --- re-classifying (PATCH) --------------------------------------------------------------------------


def test_an_officer_reclassifies_and_the_obligations_follow(client, officer, filed):
    as_user(client, officer)
    response = client.patch(
        detail_url(filed),
        {
            "crime_suspected": False,
            "category": "facility_fault",
            "subcategory": "fault.hardware_software",
            "grade": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    states = {row["authority"]: row["state"] for row in body["obligations"]}
    assert states == {"公安机关": "waived", "个人信息保护监管部门及受影响个人": "open", "省网信办": "open"}
    police = Obligation.objects.get(authority="公安机关")
    assert police.waived_by == officer and "不再需要向公安机关报告" in police.waived_reason
    kinds = list(filed.timeline.values_list("kind", flat=True))
    assert "grade" in kinds


def test_correcting_the_discovery_time_moves_the_deadlines(client, officer, filed):
    as_user(client, officer)
    earlier = filed.discovered_at - timedelta(minutes=30)  # still after the occurrence
    response = client.patch(
        detail_url(filed), {"discovered_at": earlier.isoformat()}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    police = next(row for row in response.json()["obligations"] if row["authority"] == "公安机关")
    assert parse(police["due_at"]) == earlier + timedelta(hours=24)


def test_a_patch_that_breaks_a_rule_names_the_field_and_changes_nothing(client, officer, filed):
    as_user(client, officer)
    before = (filed.history.count(), Obligation.objects.count(), filed.timeline.count())
    response = client.patch(
        detail_url(filed), {"personal_info_count": 20_000_000, "grade": 2}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["grade"]
    filed.refresh_from_db()
    assert (filed.grade, filed.personal_info_count) == (None, 1200)
    assert (filed.history.count(), Obligation.objects.count(), filed.timeline.count()) == before


def test_a_department_head_may_not_change_what_is_owed(client, head, filed):
    as_user(client, head)
    before = filed.history.count()
    for change in ({"crime_suspected": False}, {"grade": 1}, {"discovered_at": timezone.now().isoformat()}):
        response = client.patch(detail_url(filed), change, content_type="application/json")
        assert response.status_code == 403, (change, response.content)
    assert filed.history.count() == before
    assert not Obligation.objects.filter(state="waived").exists()
    # The description is theirs to correct.
    response = client.patch(
        detail_url(filed), {"impact": "门户首页无法访问约2小时"}, content_type="application/json"
    )
    assert response.status_code == 200


# --- handler actions: grade and transition -------------------------------------------------------------


def test_grade_action(client, officer, filed):
    as_user(client, officer)
    response = client.post(
        detail_url(filed, "grade"), {"grade": 3, "reason": "影响全市"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["grade"] == 3
    assert "省网信办" in {row["authority"] for row in response.json()["obligations"]}
    entry = filed.timeline.filter(kind="grade").get()
    assert "影响全市" in entry.text and entry.user == officer


@pytest.mark.parametrize(
    ("body", "field"),
    [({"grade": 9}, "grade"), ({}, "grade"), ({"grade": "较大"}, "grade")],
)
def test_grade_action_names_a_bad_field(client, officer, filed, body, field):
    as_user(client, officer)
    response = client.post(detail_url(filed, "grade"), body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_grade_action_refuses_a_grade_below_the_minimum(client, officer, staff, department):
    response = post_as(client, staff, full_payload(department, personal_info_count=12_000_000))
    incident = Incident.objects.get(pk=response.json()["id"])
    as_user(client, officer)
    response = client.post(detail_url(incident, "grade"), {"grade": 2}, content_type="application/json")
    assert response.status_code == 400
    assert "不得低于“重大”" in response.json()["grade"][0]
    incident.refresh_from_db()
    assert incident.grade is None


def test_actions_answer_403_to_those_who_see_but_may_not_handle(client, staff, head, inspector, filed):
    for user in (staff, head, inspector):
        as_user(client, user)
        assert client.get(detail_url(filed)).status_code == 200
        assert (
            client.post(detail_url(filed, "grade"), {"grade": 2}, content_type="application/json").status_code
            == 403
        )
        assert (
            client.post(
                detail_url(filed, "transition"), {"state": "accepted"}, content_type="application/json"
            ).status_code
            == 403
        )
        # Even with a bad body: permission is decided first.
        assert client.post(detail_url(filed, "grade"), {}, content_type="application/json").status_code == 403
    filed.refresh_from_db()
    assert (filed.grade, filed.state) == (None, "new")


def test_actions_answer_404_to_those_who_do_not_see(client, outsider, filed):
    as_user(client, outsider)
    assert (
        client.post(detail_url(filed, "grade"), {"grade": 2}, content_type="application/json").status_code
        == 404
    )
    assert (
        client.post(
            detail_url(filed, "transition"), {"state": "accepted"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_a_person_granted_handling_of_one_incident_may_grade_it(client, staff, filed, department):
    investigator = UserFactory(username="investigator", roles=["staff"], departments=[department])
    grant("handle", investigator, filed)
    as_user(client, investigator)
    assert (
        client.post(detail_url(filed, "grade"), {"grade": 2}, content_type="application/json").status_code
        == 200
    )


def test_transition_actions_through_to_closing(client, officer, filed):
    as_user(client, officer)

    def move(**body):
        return client.post(detail_url(filed, "transition"), body, content_type="application/json")

    response = move(state="closed")
    assert response.status_code == 400
    assert list(response.json()) == ["state"]
    assert "不能变更为“已结案”" in response.json()["state"][0]
    assert move(state="archived").status_code == 400
    for state in ("accepted", "handling", "recovered"):
        response = move(state=state)
        assert response.status_code == 200, response.content
        assert response.json()["state"] == state
    response = move(state="closed")
    assert response.status_code == 400
    assert set(response.json()) == {"root_cause", "lessons_learned", "non_field_errors"}
    assert "整改措施" in response.json()["non_field_errors"][0]
    services.add_corrective_action(
        filed,
        description="修补内容管理系统漏洞",
        owner=officer,
        due_at=timezone.now() + timedelta(days=7),
        by=officer,
    )
    response = move(state="closed", root_cause="CMS 未及时升级", lessons_learned="建立补丁月度检查")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    assert response.json()["root_cause"] == "CMS 未及时升级"


def test_false_alarm_needs_a_reason_and_waives_what_was_owed(client, officer, filed):
    as_user(client, officer)
    response = client.post(
        detail_url(filed, "transition"), {"state": "false_alarm"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    response = client.post(
        detail_url(filed, "transition"),
        {"state": "false_alarm", "reason": "杀毒软件误报"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert {row["state"] for row in response.json()["obligations"]} == {"waived"}


def test_a_member_without_change_rights_gets_403_before_any_validation(client, staff, filed):
    as_user(client, staff)
    response = client.patch(
        detail_url(filed), {"discovered_at": "not a date"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_an_incident_reported_to_a_regulator_cannot_be_deleted(client, officer, filed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    police = filed.obligations.get(kind="incident.police")
    services.record_report(
        filed, police, by=officer, sent_at=timezone.now(), channel="phone", receiving_body="市公安局网警支队"
    )
    as_user(client, officer)
    response = client.delete(detail_url(filed))
    assert response.status_code == 409
    assert "不能删除" in response.json()["detail"]
    assert Incident.objects.filter(pk=filed.pk).exists()
    assert Obligation.objects.filter(pk=police.pk).exists()
