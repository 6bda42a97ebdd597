"""What an incident owes and when (regulation chapter 3, REGULATIONS.md, issue 3), with the clock
moved by time-machine (``tick=False``), never by sleeping.

Every deadline here comes from the seeded ``ReportingRule`` rows (migration 0003), not from code.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from incidents import services
from incidents.categories import Grade
from incidents.models import Incident, RegulatorReport, ReportingRule, TimelineEntry
from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Notification, Obligation
from szmz_security.org.access import can, grant
from tests.factories import UserFactory
from tests.notifications import deliveries

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
DISCOVERED = T0 - timedelta(hours=1)

POLICE, SECRECY, CAC, CAC_SUMMARY, PIPL = (
    "incident.police",
    "incident.secrecy",
    "incident.cac_initial",
    "incident.cac_summary",
    "incident.pipl",
)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def file(department, staff, clock):
    """File an incident as ``staff`` at T0, discovered an hour earlier unless told otherwise."""

    def filing(**fields):
        fields.setdefault("title", "办公网络异常")
        fields.setdefault("description", "测试")
        fields.setdefault("discovered_at", DISCOVERED)
        fields.setdefault("department", department)
        fields.setdefault("reported_by", staff)
        return services.file_incident(Incident(**fields))

    return filing


def owed(incident, state=None):
    """{kind: obligation} of the incident's report obligations (the latest one per kind)."""
    rows = services.obligations_of(incident).exclude(kind=services.CORRECTIVE_ACTION_KIND).order_by("pk")
    if state:
        rows = rows.filter(state=state)
    return {row.kind: row for row in rows}


def open_kinds(incident):
    return set(owed(incident, Obligation.State.OPEN))


def received(stage=None):
    rows = Notification.objects.all()
    if stage:
        rows = rows.filter(stage=stage)
    return set(deliveries(rows))


# --- which reports are owed, and by when ------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"crime_suspected": True},
        {"category": "attack", "subcategory": "attack.intrusion"},
        {"category": "attack", "subcategory": "attack.dos"},
        {"category": "content", "subcategory": "content.illegal"},
    ],
    ids=["crime-suspected", "intrusion", "attack", "harmful-content"],
)
def test_police_report_due_24_hours_after_discovery(file, fields):
    incident = file(**fields)
    police = owed(incident)[POLICE]
    assert police.authority == "公安机关"
    assert police.clause == "市民政局制度 第三章第4条"
    assert police.due_at == DISCOVERED + timedelta(hours=24)
    assert police.state == Obligation.State.OPEN
    assert police.subject == incident
    assert open_kinds(incident) == {POLICE}


def test_an_ordinary_fault_owes_nothing(file):
    incident = file(category="facility_fault", subcategory="fault.hardware_software")
    assert owed(incident) == {}
    incident = file(category="malware", subcategory="malware.virus")
    assert owed(incident) == {}


def test_a_secret_leak_owes_the_secrecy_bureau_and_is_need_to_know(
    file, staff, head, officer, secrecy, leader, department
):
    incident = file(secret_leak=True, title="涉密文件误发外网邮箱")
    secrecy_report = owed(incident)[SECRECY]
    assert secrecy_report.authority == "保密机关"
    assert secrecy_report.due_at == DISCOVERED + timedelta(hours=24)
    assert incident.restricted and secrecy_report.restricted

    colleague = UserFactory(username="colleague", roles=["staff"], departments=[department])
    for person in (staff, officer, secrecy):  # the reporter, the officers, the secrecy office
        assert can(person, "view", incident), person
    for person in (colleague, head):  # the department does not, not even its head
        assert not can(person, "view", incident), person
        assert not Incident.objects.visible_to(person).filter(pk=incident.pk).exists()
        assert not Obligation.objects.visible_to(person).filter(pk=secrecy_report.pk).exists()
    grant("view", colleague, incident)
    assert can(colleague, "view", incident)
    assert not can(head, "view", incident)


def test_grade_larger_owes_the_provincial_office_within_4_hours(file, officer):
    incident = file()
    assert CAC not in owed(incident)
    services.set_grade(incident, Grade.LARGER, by=officer, reason="影响多个处室")
    cac = owed(incident)[CAC]
    assert cac.authority == "省网信办"
    assert cac.due_at == DISCOVERED + timedelta(hours=4)


def test_critical_infrastructure_shortens_it_to_1_hour(file, officer):
    incident = file(affects_critical_infrastructure=True, grade=Grade.MAJOR)
    assert owed(incident)[CAC].due_at == DISCOVERED + timedelta(hours=1)


def test_the_reporters_suggestion_counts_until_an_officer_grades(file, officer):
    incident = file(suggested_grade=Grade.LARGER)
    cac = owed(incident)[CAC]
    assert cac.due_at == DISCOVERED + timedelta(hours=4)
    # The officer's grade decides: 一般 means the 4-hour report is no longer owed.
    services.set_grade(incident, Grade.GENERAL, by=officer, reason="仅影响一台终端")
    cac.refresh_from_db()
    assert cac.state == Obligation.State.WAIVED
    assert cac.waived_by == officer


@pytest.mark.parametrize(
    ("count", "minimum"),
    [
        (999_999, Grade.GENERAL),
        (1_000_000, Grade.LARGER),
        (9_999_999, Grade.LARGER),
        (10_000_000, Grade.MAJOR),
        (100_000_000, Grade.EXTRAORDINARY),
    ],
)
def test_personal_information_counts_force_a_minimum_grade(file, officer, count, minimum):
    incident = file(personal_info_involved=True, personal_info_count=count)
    assert incident.effective_grade == minimum
    assert (CAC in owed(incident)) == (minimum >= Grade.LARGER)
    if minimum > Grade.GENERAL:
        with pytest.raises(ValidationError) as refused:
            services.set_grade(incident, minimum - 1, by=officer)
        assert list(refused.value.message_dict) == ["grade"]
        assert f"不得低于“{minimum.label}”" in refused.value.message_dict["grade"][0]
        incident.refresh_from_db()
        assert incident.grade is None
    services.set_grade(incident, minimum, by=officer)  # the minimum itself is allowed


def test_personal_information_owes_the_pipl_notice_within_24_hours(file):
    incident = file(personal_info_involved=True, personal_info_count=300)
    pipl = owed(incident)[PIPL]
    assert pipl.due_at == DISCOVERED + timedelta(hours=24)
    assert "个人信息保护法" in pipl.clause


def test_rules_are_data_a_changed_deadline_applies_to_the_next_filing(file):
    first = file(personal_info_involved=True, title="第一起")
    ReportingRule.objects.filter(code="pipl").update(deadline_hours=12)
    second = file(personal_info_involved=True, title="第二起")
    assert owed(second)[PIPL].due_at == DISCOVERED + timedelta(hours=12)
    # An obligation already owed keeps its deadline until the incident is next recomputed.
    assert owed(first)[PIPL].due_at == DISCOVERED + timedelta(hours=24)


def test_a_deactivated_rule_owes_nothing_new_and_cancels_nothing_owed(file):
    first = file(crime_suspected=True)
    ReportingRule.objects.filter(code="police").update(active=False)
    second = file(crime_suspected=True)
    assert POLICE not in owed(second)
    services.recompute_obligations(first, by=first.reported_by, reason="测试")
    assert owed(first)[POLICE].state == Obligation.State.OPEN


def test_handling_end_adds_the_30_day_summary_for_larger_incidents(file, officer, clock):
    larger = file(title="较大事件", grade=Grade.LARGER)
    general = file(title="一般事件", crime_suspected=True)
    for incident in (larger, general):
        assert CAC_SUMMARY not in owed(incident)
        for state in ("accepted", "handling"):
            services.transition(incident, state, by=officer)
    clock.move_to(T0 + timedelta(hours=5))
    for incident in (larger, general):
        services.transition(incident, "recovered", by=officer)
    summary = owed(larger)[CAC_SUMMARY]
    assert summary.due_at == T0 + timedelta(hours=5) + timedelta(days=30)
    assert summary.authority == "省网信办"
    assert CAC_SUMMARY not in owed(general)
    # Back to handling: the summary is no longer due (kept, marked so); recovered again: due anew.
    services.transition(larger, "handling", by=officer, reason="复发")
    summary.refresh_from_db()
    assert summary.state == Obligation.State.WAIVED
    clock.move_to(T0 + timedelta(days=2))
    services.transition(larger, "recovered", by=officer)
    assert owed(larger)[CAC_SUMMARY].due_at == T0 + timedelta(days=32)
    assert owed(larger)[CAC_SUMMARY].state == Obligation.State.OPEN


def test_grading_down_waives_never_deletes_and_grading_up_owes_anew(file, officer):
    incident = file(grade=Grade.LARGER)
    first = owed(incident)[CAC]
    services.set_grade(incident, Grade.GENERAL, by=officer, reason="核实后影响有限")
    first.refresh_from_db()
    assert first.state == Obligation.State.WAIVED
    assert first.waived_by == officer
    assert "核实后影响有限" not in first.waived_reason  # the reason of the recompute, not the grade note
    assert "不再需要向省网信办报告" in first.waived_reason
    assert first.waived_at is not None
    assert first.history.filter(history_change_reason__startswith="不再需要").exists()

    services.set_grade(incident, Grade.MAJOR, by=officer, reason="事态扩大")
    rows = services.obligations_of(incident).filter(kind=CAC).order_by("pk")
    assert [row.state for row in rows] == [Obligation.State.WAIVED, Obligation.State.OPEN]
    assert rows[1].due_at == DISCOVERED + timedelta(hours=4)
    # Recomputing again changes nothing.
    assert services.recompute_obligations(incident, by=officer, reason="复核") == ([], [], [])


def test_a_waived_obligation_never_shadows_the_one_that_replaced_it(file, officer):
    """The latest obligation per rule speaks for it: the one created last, whatever the deadlines.
    After a corrected (earlier) discovery time the replacement falls due before the waived row."""
    incident = file(grade=Grade.LARGER)
    services.set_grade(incident, Grade.GENERAL, by=officer)
    services.set_grade(incident, Grade.LARGER, by=officer)
    incident.discovered_at = DISCOVERED - timedelta(hours=2)
    services.update_incident(incident, by=officer, changed_fields=["discovered_at"])
    services.recompute_obligations(incident, by=officer, reason="复核")
    rows = services.obligations_of(incident).filter(kind=CAC).order_by("pk")
    assert [row.state for row in rows] == [Obligation.State.WAIVED, Obligation.State.OPEN]


def test_correcting_the_discovery_time_moves_the_open_deadlines(file, officer, clock):
    incident = file(crime_suspected=True, personal_info_involved=True)
    pipl = owed(incident)[PIPL]
    obligations.meet(pipl, by=officer, evidence="已通知")
    incident.discovered_at = DISCOVERED - timedelta(hours=5)
    services.update_incident(incident, by=officer, changed_fields=["discovered_at"])
    assert owed(incident)[POLICE].due_at == DISCOVERED - timedelta(hours=5) + timedelta(hours=24)
    pipl.refresh_from_db()
    assert pipl.due_at == DISCOVERED + timedelta(hours=24)  # met: left as it was
    assert incident.timeline.filter(kind="obligation", text__contains="截止时间由").exists()


def test_secret_leak_noticed_later_makes_what_is_owed_need_to_know(file, officer, head, staff):
    incident = file(crime_suspected=True)
    police = owed(incident)[POLICE]
    assert Obligation.objects.visible_to(head).filter(pk=police.pk).exists()
    incident.secret_leak = True
    services.update_incident(incident, by=officer, changed_fields=["secret_leak"])
    assert incident.restricted
    assert owed(incident)[SECRECY].restricted
    police.refresh_from_db()
    assert police.restricted
    assert not Obligation.objects.visible_to(head).filter(pk=police.pk).exists()


# --- reminders --------------------------------------------------------------------------------------


def test_a_deadline_already_past_at_filing_is_overdue_and_escalated_on_the_first_sweep(
    file, officer, head, leader, secrecy
):
    incident = file(crime_suspected=True, discovered_at=T0 - timedelta(hours=30))
    police = owed(incident)[POLICE]
    assert police.is_overdue()
    assert incident.timeline.filter(kind="obligation", text__contains="已逾期").exists()
    obligations.sweep()
    assert received() == {
        ("officer", "breach"),
        ("head", "breach"),
        ("officer", "escalation"),
        ("head", "escalation"),
        ("leader", "escalation"),
    }
    obligations.sweep()
    assert len(deliveries()) == 5  # nothing twice


def test_reminders_reach_officers_and_the_head_and_leadership_on_breach(
    file, officer, head, leader, secrecy, clock
):
    file(crime_suspected=True)  # police: due T0 + 23 h
    obligations.sweep()
    assert received() == {("officer", "created"), ("head", "created")}
    clock.move_to(DISCOVERED + timedelta(hours=24))
    obligations.sweep()
    assert received("breach") == {("officer", "breach"), ("head", "breach")}
    assert not received("escalation")
    clock.move_to(DISCOVERED + timedelta(hours=25))
    obligations.sweep()
    assert received("escalation") == {
        ("officer", "escalation"),
        ("head", "escalation"),
        ("leader", "escalation"),
    }
    assert not Notification.objects.for_user(secrecy).exists()


def test_a_leaks_reminders_go_to_the_secrecy_office_not_the_department_head(
    file, officer, head, leader, secrecy, clock
):
    file(secret_leak=True)
    obligations.sweep()
    assert received() == {("officer", "created"), ("secrecy", "created")}
    clock.move_to(DISCOVERED + timedelta(hours=25))
    obligations.sweep()
    assert received("escalation") == {
        ("officer", "escalation"),
        ("secrecy", "escalation"),
        ("leader", "escalation"),
    }
    assert not Notification.objects.for_user(head).exists()


# --- handling ---------------------------------------------------------------------------------------


def test_false_alarm_needs_a_reason_and_waives_what_is_open(file, officer):
    incident = file(crime_suspected=True, personal_info_involved=True)
    obligations.meet(owed(incident)[PIPL], by=officer, evidence="已通知")
    with pytest.raises(ValidationError) as refused:
        services.transition(incident, "false_alarm", by=officer, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    incident = services.transition(incident, "false_alarm", by=officer, reason="监控规则误报")
    assert incident.state == "false_alarm" and incident.false_alarm_reason == "监控规则误报"
    police, pipl = owed(incident)[POLICE], owed(incident)[PIPL]
    assert police.state == Obligation.State.WAIVED
    assert police.waived_by == officer and "监控规则误报" in police.waived_reason
    assert pipl.state == Obligation.State.MET  # what was done stays done
    with pytest.raises(ValidationError):
        services.transition(incident, "accepted", by=officer)


def test_closing_requires_root_cause_lessons_and_a_corrective_action(file, officer, staff, clock):
    incident = file(crime_suspected=True)
    for state in ("accepted", "handling", "recovered"):
        incident = services.transition(incident, state, by=officer)
    with pytest.raises(ValidationError) as refused:
        services.transition(incident, "closed", by=officer)
    assert set(refused.value.message_dict) == {"root_cause", "lessons_learned", "__all__"}
    with pytest.raises(ValidationError) as refused:
        services.transition(incident, "closed", by=officer, root_cause="弱口令", lessons_learned="定期改密")
    assert set(refused.value.message_dict) == {"__all__"}
    incident.refresh_from_db()
    assert incident.state == "recovered" and incident.root_cause == ""
    services.add_corrective_action(
        incident, description="全员更换口令", owner=staff, due_at=T0 + timedelta(days=7), by=officer
    )
    incident = services.transition(
        incident, "closed", by=officer, root_cause="弱口令", lessons_learned="定期改密"
    )
    assert incident.state == "closed" and incident.closed_at == T0
    assert (incident.root_cause, incident.lessons_learned) == ("弱口令", "定期改密")


def test_only_handlers_grade_and_move_an_incident(file, staff, head):
    incident = file()
    for person in (staff, head):
        with pytest.raises(PermissionDenied):
            services.set_grade(incident, Grade.LARGER, by=person)
        with pytest.raises(PermissionDenied):
            services.transition(incident, "accepted", by=person)


def test_a_corrective_action_is_an_obligation_of_its_owner(file, officer, department, clock):
    incident = file(secret_leak=True)
    owner = UserFactory(username="owner", roles=["staff"], departments=[department])
    assert not can(owner, "view", incident)
    action = services.add_corrective_action(
        incident, description="清查涉密文件外发渠道", owner=owner, due_at=T0 + timedelta(days=10), by=officer
    )
    duty = action.obligation
    assert (duty.kind, duty.assignee, duty.due_at, duty.subject) == (
        services.CORRECTIVE_ACTION_KIND,
        owner,
        T0 + timedelta(days=10),
        incident,
    )
    assert duty.restricted
    assert can(owner, "view", incident)  # they can open what they are asked to fix
    obligations.sweep()
    assert ("owner", "created") in received()
    with pytest.raises(ValidationError) as refused:
        services.add_corrective_action(incident, description="补做", owner=owner, due_at=T0, by=officer)
    assert list(refused.value.message_dict) == ["due_at"]


@pytest.mark.parametrize(
    ("sent_after", "state"), [(timedelta(hours=20), "met"), (timedelta(hours=30), "met_late")]
)
def test_recording_a_report_meets_the_obligation_late_after_the_deadline(
    file, officer, clock, settings, tmp_path, sent_after, state
):
    settings.MEDIA_ROOT = tmp_path
    incident = file(crime_suspected=True)
    police = owed(incident)[POLICE]
    clock.move_to(DISCOVERED + sent_after + timedelta(minutes=5))
    report = services.record_report(
        incident,
        police,
        by=officer,
        sent_at=DISCOVERED + sent_after,
        channel=RegulatorReport.Channel.PHONE,
        receiving_body="市公安局网警支队",
        reference_number="GA-2026-001",
    )
    police.refresh_from_db()
    assert police.state == state
    assert police.met_at == DISCOVERED + sent_after and police.met_by == officer
    assert "GA-2026-001" in police.evidence
    assert report.late == (state == "met_late")
    entry = incident.timeline.get(kind="report")
    assert ("逾期报送" in entry.text) == report.late
    with pytest.raises(ValidationError):
        services.record_report(
            incident,
            police,
            by=officer,
            sent_at=DISCOVERED + sent_after,
            channel="phone",
            receiving_body="再报一次",
        )


def test_the_timeline_records_filing_state_grade_and_obligation_changes(file, officer, staff):
    incident = file(crime_suspected=True)
    services.set_grade(incident, Grade.LARGER, by=officer, reason="影响扩大")
    services.transition(incident, "accepted", by=officer)
    services.set_grade(incident, Grade.GENERAL, by=officer, reason="复核")
    entries = [(entry.kind, entry.user, entry.text) for entry in incident.timeline.all()]
    kinds = [kind for kind, _, _ in entries]
    assert kinds == [
        TimelineEntry.Kind.FILED,
        TimelineEntry.Kind.OBLIGATION,  # 须向公安机关报告
        TimelineEntry.Kind.GRADE,
        TimelineEntry.Kind.OBLIGATION,  # 须向省网信办报告
        TimelineEntry.Kind.STATE,
        TimelineEntry.Kind.GRADE,
        TimelineEntry.Kind.OBLIGATION,  # 不再需要向省网信办报告
    ]
    assert entries[0][1] == staff and "社会救助处报告事件" in entries[0][2]
    assert "须向公安机关报告，截止 2026-03-03 08:00" in entries[1][2]
    assert entries[2][1] == officer and "“未定级”定为“较大”：影响扩大" in entries[2][2]
    assert "新报告 → 已受理" in entries[4][2]
    assert "不再需要向省网信办报告" in entries[6][2]


def test_moving_an_incident_takes_what_it_owes_along(file, officer, head, other_department, clock):
    incident = file(crime_suspected=True)
    UserFactory(username="other_head", roles=["department_head", "staff"], departments=[other_department])
    incident.department = other_department
    services.update_incident(incident, by=officer, changed_fields=["department"])
    police = owed(incident)[POLICE]
    assert police.department == other_department
    assert not Obligation.objects.visible_to(head).filter(pk=police.pk).exists()
    obligations.sweep()
    assert received() == {("officer", "created"), ("other_head", "created")}


def test_a_corrective_action_is_not_a_report_to_a_regulator(file, officer, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    incident = file(crime_suspected=True)
    action = services.add_corrective_action(
        incident, description="更换口令", owner=staff, due_at=T0 + timedelta(days=3), by=officer
    )
    with pytest.raises(ValidationError) as refused:
        services.record_report(
            incident, action.obligation, by=officer, sent_at=T0, channel="phone", receiving_body="市公安局"
        )
    assert list(refused.value.message_dict) == ["obligation"]
    assert not RegulatorReport.objects.exists()
