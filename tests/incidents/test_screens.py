"""The incident detail page and its handling actions, recording a report to a regulator, the
report PDF and evidence downloads — each through the access rule — and their query counts.

Time is frozen with time-machine (``tick=False``) so deadlines and countdowns are exact.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import services
from incidents.categories import Grade
from incidents.models import Attachment, CorrectiveAction, Incident, RegulatorReport, TimelineEntry
from szmz_security.auditlog.models import AuditEvent
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
POLICE, SECRECY, CAC = "incident.police", "incident.secrecy", "incident.cac_initial"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def incident(department, staff, clock):
    """Malware with a suspected crime, discovered an hour before T0: owes the police by T0+23h."""
    return services.file_incident(
        Incident(
            title="办公电脑感染木马",
            description="杀毒软件报警",
            department=department,
            reported_by=staff,
            discovered_at=T0 - timedelta(hours=1),
            category="malware",
            subcategory="malware.trojan",
            crime_suspected=True,
        )
    )


def url(name, incident, *args):
    return reverse(f"incidents:{name}", args=[incident.pk, *args])


def page(client, user, incident):
    client.force_login(user)
    response = client.get(incident.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def owed(incident):
    return {
        o.kind: o for o in services.obligations_of(incident).exclude(kind=services.CORRECTIVE_ACTION_KIND)
    }


def section(html, testid):
    match = re.search(rf'data-testid="{testid}">(.*?)</(?:table|ul)>', html, re.S)
    return match.group(1) if match else ""


def field_error(html, name):
    match = re.search(rf'<div class="invalid-feedback d-block" data-field="{name}">([^<]+)</div>', html)
    return match.group(1) if match else None


# --- the detail page ----------------------------------------------------------------------------


def test_detail_shows_facts_obligations_timeline_and_handler_actions(client, officer, incident):
    html = page(client, officer, incident)
    assert 'data-testid="state-badge">新报告<' in html
    assert "未定级" in html
    obligations = section(html, "obligations")
    assert "公安机关" in obligations and "市民政局制度 第三章第4条" in obligations
    assert "2026-03-03 08:00" in obligations
    assert ">剩余 23小时0分<" in obligations
    report = url("report_record", incident, owed(incident)[POLICE].pk)
    assert f'href="{report}"' in obligations  # 记录报送
    timeline = section(html, "timeline")
    assert "社会救助处报告事件" in timeline and "须向公安机关报告" in timeline
    assert "有害程序事件 · 特洛伊木马事件" in html
    # A handler sees grading, the allowed next states and adding a corrective action.
    assert url("incident_grade", incident) in html
    transitions = section(html, "transitions") or html
    assert '<input type="hidden" name="to_state" value="accepted">' in html
    assert "标记为误报" in transitions
    assert 'value="closed"' not in html  # not from 新报告
    assert url("corrective_action_add", incident) in html
    assert "data-confirm=" in html  # irreversible steps ask first
    assert url("report_pdf", incident) in html


def test_detail_for_staff_shows_no_handler_actions(client, staff, colleague_factory, incident):
    html = page(client, staff, incident)  # the reporter
    assert url("incident_grade", incident) not in html
    assert url("incident_transition", incident) not in html
    assert "记录报送" not in html
    assert url("note_add", incident) in html  # the reporter may add a note and evidence
    assert url("attachment_add", incident) in html
    html = page(client, colleague_factory(), incident)  # a colleague only reads
    assert url("note_add", incident) not in html and url("attachment_add", incident) not in html


@pytest.fixture
def colleague_factory(department):
    return lambda: UserFactory(username="colleague", roles=["staff"], departments=[department])


def test_a_suggested_grade_and_a_personal_information_floor_are_explained(
    client, officer, department, staff, clock
):
    incident = services.file_incident(
        Incident(
            title="数据库被拖库",
            description="测试",
            department=department,
            reported_by=staff,
            discovered_at=T0 - timedelta(hours=1),
            personal_info_involved=True,
            personal_info_count=1_500_000,
            suggested_grade=Grade.GENERAL,
        )
    )
    html = page(client, officer, incident)
    assert re.search(r'data-testid="grade-badge">较大 <small class="fw-normal">建议</small>', html)
    assert "涉及个人信息 1,500,000 人，等级不低于“较大”，已按此计算报告时限。" in html
    assert "省网信办" in section(html, "obligations")


# --- handler actions ----------------------------------------------------------------------------


def test_grading_recomputes_what_is_owed(client, officer, incident):
    client.force_login(officer)
    response = client.post(
        url("incident_grade", incident), {"grade": "2", "reason": "影响两个处室"}, follow=True
    )
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.grade == Grade.LARGER
    cac = owed(incident)[CAC]
    assert cac.authority == "省网信办"
    assert cac.due_at == T0 - timedelta(hours=1) + timedelta(hours=4)
    html = response.content.decode()
    assert "已定级为“较大”" in html
    assert "省网信办" in section(html, "obligations")
    assert "等级由“未定级”定为“较大”：影响两个处室" in section(html, "timeline")


def test_grading_below_the_personal_information_floor_is_refused_next_to_the_field(
    client, officer, department, staff, clock
):
    incident = services.file_incident(
        Incident(
            title="数据泄露",
            description="测试",
            department=department,
            reported_by=staff,
            discovered_at=T0 - timedelta(hours=1),
            personal_info_involved=True,
            personal_info_count=20_000_000,
        )
    )
    client.force_login(officer)
    response = client.post(url("incident_grade", incident), {"grade": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "grade") == "涉及个人信息 20,000,000 人，等级不得低于“重大”。"
    assert re.search(r'<select name="grade" class="[^"]*is-invalid', html)
    incident.refresh_from_db()
    assert incident.grade is None
    assert not incident.timeline.filter(kind=TimelineEntry.Kind.GRADE).exists()


def test_transitions_follow_the_allowed_order(client, officer, incident):
    client.force_login(officer)
    transition = url("incident_transition", incident)
    # Not allowed from 新报告: refused, the page says why.
    response = client.post(transition, {"to_state": "recovered"})
    assert response.status_code == 400
    assert "事件当前为“新报告”，不能变更为“已恢复”。" in response.content.decode()
    for state in ("accepted", "handling", "recovered"):
        assert client.post(transition, {"to_state": state}).status_code == 302
        incident.refresh_from_db()
        assert incident.state == state
    assert incident.handling_ended_at == T0
    html = page(client, officer, incident)
    assert "重新处置" in html and 'id="close-form"' in html


def test_closing_needs_root_cause_lessons_and_a_corrective_action(client, officer, incident, staff):
    client.force_login(officer)
    incident.state = Incident.State.RECOVERED
    incident.save()
    transition = url("incident_transition", incident)
    response = client.post(transition, {"to_state": "closed", "root_cause": "", "lessons_learned": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "root_cause") == "结案须填写根本原因。"
    assert field_error(html, "lessons_learned") == "结案须填写经验教训。"
    assert "结案前须至少登记一项整改措施" in html
    assert 'id="close-form"' in html and re.search(r'class="collapse show[^"]*" id="close-form"', html)

    services.add_corrective_action(
        incident, description="全员杀毒", owner=staff, due_at=T0 + timedelta(days=3), by=officer
    )
    response = client.post(
        transition, {"to_state": "closed", "root_cause": "钓鱼邮件", "lessons_learned": "加强培训"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == Incident.State.CLOSED
    assert (incident.root_cause, incident.lessons_learned) == ("钓鱼邮件", "加强培训")
    html = page(client, officer, incident)
    assert "不能再变更状态" in html


def test_a_false_alarm_needs_a_reason_and_waives_what_is_owed(client, officer, incident):
    client.force_login(officer)
    transition = url("incident_transition", incident)
    response = client.post(transition, {"to_state": "false_alarm", "reason": " "})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "reason") == "标记为误报须说明原因。"
    assert owed(incident)[POLICE].is_open

    response = client.post(transition, {"to_state": "false_alarm", "reason": "杀毒软件误报"}, follow=True)
    incident.refresh_from_db()
    assert incident.state == Incident.State.FALSE_ALARM
    police = owed(incident)[POLICE]
    assert police.state == Obligation.State.WAIVED
    obligations = section(response.content.decode(), "obligations")
    assert "不再需要" in obligations and "误报：杀毒软件误报" in obligations
    assert "记录报送" not in obligations


def test_a_corrective_action_is_an_obligation_of_its_owner(client, officer, incident, staff):
    client.force_login(officer)
    owner = UserFactory(username="owner", profile="王强")
    add = url("corrective_action_add", incident)
    response = client.post(add, {"description": "", "owner": owner.pk, "due_at": "2026-03-01T09:00"})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "description") == "该字段是必填项。"
    response = client.post(
        add, {"description": "更换防火墙策略", "owner": owner.pk, "due_at": "2026-03-01T09:00"}
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "due_at") == "完成期限应晚于当前时间。"
    assert not CorrectiveAction.objects.exists()

    response = client.post(
        add, {"description": "更换防火墙策略", "owner": owner.pk, "due_at": "2026-03-09T18:00"}, follow=True
    )
    action = CorrectiveAction.objects.get()
    assert action.obligation.assignee == owner
    assert action.obligation.kind == services.CORRECTIVE_ACTION_KIND
    assert action.obligation.due_at == datetime(2026, 3, 9, 18, 0, tzinfo=SHANGHAI)
    html = response.content.decode()
    table = section(html, "corrective-actions")
    assert "更换防火墙策略" in table and "王强" in table and "2026-03-09 18:00" in table
    assert "待办" in table
    # The owner may now open the incident.
    client.force_login(owner)
    assert client.get(incident.get_absolute_url()).status_code == 200


def test_the_owner_select_offers_active_users_only(client, officer, incident):
    gone = UserFactory(username="gone", profile="已离职")
    gone.is_active = False
    gone.save()
    UserFactory(username="present", profile="在职人员")
    html = page(client, officer, incident)
    select = re.search(r'<select name="owner".*?</select>', html, re.S).group(0)
    assert "在职人员" in select and "已离职" not in select


def test_manual_timeline_note(client, officer, staff, incident):
    client.force_login(officer)
    response = client.post(url("note_add", incident), {"text": "  "})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "text")
    response = client.post(url("note_add", incident), {"text": "已联系厂商，明日到场"}, follow=True)
    entry = incident.timeline.get(kind=TimelineEntry.Kind.NOTE)
    assert (entry.text, entry.user) == ("已联系厂商，明日到场", officer)
    assert "已联系厂商，明日到场" in section(response.content.decode(), "timeline")
    # The reporter may add one too.
    client.force_login(staff)
    assert client.post(url("note_add", incident), {"text": "补充：U盘已找回"}).status_code == 302


def test_report_content_is_edited_by_handlers(client, officer, incident):
    client.force_login(officer)
    response = client.post(
        url("incident_report_content", incident),
        {"affected_system": "社会救助管理系统", "impact": "一台终端", "measures_taken": "已断网"},
        follow=True,
    )
    assert response.status_code == 200
    incident.refresh_from_db()
    assert (incident.affected_system, incident.impact, incident.measures_taken) == (
        "社会救助管理系统",
        "一台终端",
        "已断网",
    )
    assert incident.history.latest().history_change_reason == "更新报告内容"
    assert "社会救助管理系统" in response.content.decode()


def test_evidence_upload_on_the_detail_page(client, staff, incident, media, settings):
    settings.INCIDENT_ATTACHMENT_MAX_MB = 1
    client.force_login(staff)
    add = url("attachment_add", incident)
    response = client.post(add, {"files": [SimpleUploadedFile("evil.exe", b"MZ")]})
    assert response.status_code == 400
    assert "不支持的文件类型“.exe”" in field_error(response.content.decode(), "files")
    assert not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    response = client.post(
        add, {"files": [SimpleUploadedFile("log.txt", b"trojan found")], "description": "日志"}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "log.txt"
    assert (media / attachment.file.name).read_bytes() == b"trojan found"
    assert attachment.file.name.startswith(f"incidents/{incident.pk}/") and "log" not in attachment.file.name


# --- recording a report -------------------------------------------------------------------------


def test_record_report_meets_the_obligation_on_time(client, officer, incident, media):
    police = owed(incident)[POLICE]
    record = url("report_record", incident, police.pk)
    client.force_login(officer)
    response = client.get(record)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="公安机关"' in html  # receiving body defaults to the authority
    assert 'value="2026-03-02T09:00"' in html  # sent_at defaults to now
    assert f"{url('report_pdf', incident)}?obligation={police.pk}" in html
    assert "data-confirm=" in html

    response = client.post(
        record,
        {
            "sent_at": "2026-03-02T08:30",
            "channel": "online",
            "receiving_body": "深圳市公安局网警支队",
            "receiver": "张警官",
            "reference_number": "SZGA-2026-0042",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    police.refresh_from_db()
    assert police.state == Obligation.State.MET
    report = RegulatorReport.objects.get()
    assert (report.receiver, report.reference_number, report.sent_by) == ("张警官", "SZGA-2026-0042", officer)
    assert report.document.read().startswith(b"%PDF")  # the generated report is kept
    html = response.content.decode()
    obligations = section(html, "obligations")
    assert "已按期完成" in obligations
    assert url("report_document", incident, report.pk) in obligations
    assert "记录报送" not in obligations
    # Recording it again is not offered.
    assert client.get(record).status_code == 302


def test_a_report_after_the_deadline_is_met_late_and_shown_so(client, officer, incident, clock):
    police = owed(incident)[POLICE]
    clock.shift(timedelta(hours=30))  # the 24 hours have passed
    client.force_login(officer)
    html = page(client, officer, incident)
    assert "已逾期" in section(html, "obligations")
    response = client.post(
        url("report_record", incident, police.pk),
        {"sent_at": "2026-03-03T15:00", "channel": "phone", "receiving_body": "公安机关"},
        follow=True,
    )
    police.refresh_from_db()
    assert police.state == Obligation.State.MET_LATE
    html = response.content.decode()
    assert "（逾期完成）" in html
    assert "逾期完成" in section(html, "obligations")
    assert "（逾期报送）" in section(html, "timeline")


def test_record_report_errors_are_shown_next_to_the_field(client, officer, incident):
    police = owed(incident)[POLICE]
    client.force_login(officer)
    record = url("report_record", incident, police.pk)
    response = client.post(
        record, {"sent_at": "2026-03-02T07:00", "channel": "phone", "receiving_body": "公安机关"}
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "sent_at") == "报送时间不能早于发现时间。"
    response = client.post(
        record,
        {
            "sent_at": "2026-03-02T08:30",
            "channel": "",
            "receiving_body": "公安机关",
            "document": SimpleUploadedFile("x.exe", b"MZ"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "channel")
    assert "不支持的文件类型" in field_error(html, "document")
    police.refresh_from_db()
    assert police.is_open and not RegulatorReport.objects.exists()


def test_an_uploaded_report_document_is_kept_and_downloadable(client, officer, staff, outsider, incident):
    police = owed(incident)[POLICE]
    client.force_login(officer)
    client.post(
        url("report_record", incident, police.pk),
        {
            "sent_at": "2026-03-02T08:30",
            "channel": "document",
            "receiving_body": "公安机关",
            "document": SimpleUploadedFile("盖章件.pdf", b"%PDF-1.4 scanned"),
        },
    )
    report = RegulatorReport.objects.get()
    download = url("report_document", incident, report.pk)
    client.force_login(staff)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scanned"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).latest("pk")
    assert event.user == staff and event.detail["report"] == report.pk
    client.force_login(outsider)
    assert client.get(download).status_code == 404


def test_the_report_pdf_is_a_pdf_and_printing_it_is_audited(client, staff, incident):
    police = owed(incident)[POLICE]
    client.force_login(staff)
    response = client.get(url("report_pdf", incident), {"obligation": police.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert (event.user, event.object_id, event.detail["obligation"]) == (staff, str(incident.pk), police.pk)
    # Without an obligation: the general report; an obligation of another incident: 404.
    assert client.get(url("report_pdf", incident)).status_code == 200
    assert client.get(url("report_pdf", incident), {"obligation": 999999}).status_code == 404
    assert client.get(url("report_pdf", incident), {"obligation": "x"}).status_code == 404


# --- evidence downloads -------------------------------------------------------------------------


def test_attachment_download_goes_through_the_access_rule_and_is_audited(
    client, staff, outsider, incident, other_department
):
    attachment = services.add_attachment(
        incident, SimpleUploadedFile("现场照片.png", b"\x89PNG photo"), by=staff
    )
    download = attachment.get_absolute_url()
    assert download == url("attachment", incident, attachment.pk)
    client.force_login(staff)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG photo"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png" in response["Content-Disposition"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.user, event.object_id, event.detail["file"]) == (staff, str(incident.pk), "现场照片.png")

    client.force_login(outsider)
    assert client.get(download).status_code == 404
    # Shared with the other department: now it may.
    grant("view", other_department.group, incident)
    assert client.get(download).status_code == 200
    # An attachment id under another incident's URL: 404.
    other = services.file_incident(
        Incident(
            title="另一事件",
            description="x",
            department=incident.department,
            reported_by=staff,
            discovered_at=incident.discovered_at,
        )
    )
    client.force_login(staff)
    assert client.get(url("attachment", other, attachment.pk)).status_code == 404


def test_media_is_not_served_by_url(settings):
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"  # no public URL for uploaded files
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/media/incidents/1/x.png")


# --- access to every new view -------------------------------------------------------------------

HANDLER_POSTS = {
    "incident_grade": {"grade": "2"},
    "incident_transition": {"to_state": "accepted"},
    "incident_report_content": {"impact": "x"},
    "corrective_action_add": {"description": "x", "owner": "", "due_at": "2026-03-09T09:00"},
}
CONTRIBUTOR_POSTS = {"note_add": {"text": "x"}, "attachment_add": {}}


def every_view(incident, report=None, attachment=None):
    police = owed(incident)[POLICE]
    gets = [
        incident.get_absolute_url(),
        url("report_record", incident, police.pk),
        url("report_pdf", incident),
    ]
    if report:
        gets.append(url("report_document", incident, report.pk))
    if attachment:
        gets.append(url("attachment", incident, attachment.pk))
    posts = [url(name, incident) for name in (*HANDLER_POSTS, *CONTRIBUTOR_POSTS)]
    posts.append(url("report_record", incident, police.pk))
    return gets, posts


def test_another_department_gets_404_everywhere(client, outsider, officer, staff, incident):
    attachment = services.add_attachment(incident, SimpleUploadedFile("a.txt", b"a"), by=staff)
    gets, posts = every_view(incident, attachment=attachment)
    before = incident.timeline.count()
    client.force_login(outsider)
    for target in gets:
        assert client.get(target).status_code == 404, target
    for target in posts:
        assert client.post(target, {"text": "x", "grade": "2", "to_state": "accepted"}).status_code == 404, (
            target
        )
    assert incident.timeline.count() == before
    assert not AuditEvent.objects.filter(user=outsider).exclude(kind=AuditEvent.Kind.LOGIN).exists()


@pytest.mark.parametrize("name", [*HANDLER_POSTS, "report_record"])
def test_a_plain_staff_member_may_not_handle(client, staff, incident, name):
    """The reporter sees the incident but may not grade, move, record or assign: 403."""
    before = (incident.timeline.count(), Obligation.objects.count())
    client.force_login(staff)
    if name == "report_record":
        target = url(name, incident, owed(incident)[POLICE].pk)
        assert client.get(target).status_code == 403
        data = {"sent_at": "2026-03-02T08:30", "channel": "phone", "receiving_body": "公安机关"}
    else:
        target, data = url(name, incident), HANDLER_POSTS[name]
    assert client.post(target, data).status_code == 403
    incident.refresh_from_db()
    assert incident.state == Incident.State.NEW and incident.grade is None
    assert (incident.timeline.count(), Obligation.objects.count()) == before


@pytest.mark.parametrize("name", list(CONTRIBUTOR_POSTS))
def test_read_only_roles_may_not_add_notes_or_evidence(client, inspector, department, incident, name):
    colleague = UserFactory(username="colleague", roles=["staff"], departments=[department])
    for user in (inspector, colleague):
        client.force_login(user)
        assert client.get(incident.get_absolute_url()).status_code == 200
        data = {"text": "x", "files": [SimpleUploadedFile("a.txt", b"a")]}
        assert client.post(url(name, incident), data).status_code == 403
    assert not incident.timeline.filter(kind=TimelineEntry.Kind.NOTE).exists()
    assert not Attachment.objects.exists()


def test_a_person_granted_handling_of_one_incident_may_handle_it(client, department, incident):
    investigator = UserFactory(username="investigator", roles=["staff"])
    grant("view", investigator, incident)
    grant("handle", investigator, incident)
    client.force_login(investigator)
    assert client.post(url("incident_transition", incident), {"to_state": "accepted"}).status_code == 302


def test_anonymous_users_are_sent_to_log_in(client, incident):
    for target in (url("report_pdf", incident), url("incident_grade", incident)):
        response = client.post(target) if "grade" in target else client.get(target)
        assert response.status_code == 302 and "/login/" in response.url


def test_history_tab_works(client, officer, incident):
    client.force_login(officer)
    client.post(url("incident_grade", incident), {"grade": "2", "reason": "复核"})
    response = client.get(url("incident_history", incident))
    assert response.status_code == 200
    assert "复核" in response.content.decode()


# --- query counts -------------------------------------------------------------------------------


def measure(client, target):
    client.get(target)  # warm the process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.status_code == 200
    return len(queries), response.content.decode(), [q["sql"] for q in queries.captured_queries]


def add_incidents(department, reporter, n, offset):
    for i in range(offset, offset + n):
        services.file_incident(
            Incident(
                title=f"批量事件{i}",
                description="x",
                department=department,
                reported_by=UserFactory() if i % 2 else reporter,
                # Every other one discovered 30 hours ago: its police report is overdue.
                discovered_at=T0 - timedelta(hours=2 + 28 * (i % 2), minutes=i),
                crime_suspected=True,
                secret_leak=i % 3 == 0,
                personal_info_involved=i % 4 == 0,
            )
        )


@pytest.mark.parametrize("viewer_name", ["staff", "officer"])
@pytest.mark.parametrize("query", ["", "?overdue=true", "?grade=1&state=new"])
def test_list_queries_do_not_grow_with_incidents(
    request, client, department, staff, clock, viewer_name, query
):
    viewer = request.getfixturevalue(viewer_name)
    client.force_login(viewer)
    target = reverse("incidents:incident_list") + query
    add_incidents(department, staff, 3, 0)
    few, few_html, few_sql = measure(client, target)
    add_incidents(department, staff, 27, 3)
    many, many_html, many_sql = measure(client, target)
    if not query.startswith("?overdue"):
        assert many_html.count('class="countdown') > few_html.count('class="countdown') > 0
    assert many == few, "\n".join(["extra queries with more rows:", *many_sql[len(few_sql) :]])


def add_detail_load(incident, officer, n):
    for i in range(n):
        owner = UserFactory()
        services.add_corrective_action(
            incident, description=f"整改{i}", owner=owner, due_at=T0 + timedelta(days=i + 1), by=officer
        )
        writer = UserFactory()
        grant("view", writer, incident)
        grant("change", writer, incident)
        services.add_note(incident, text=f"记录{i}", by=writer)
        services.add_attachment(incident, SimpleUploadedFile(f"f{i}.txt", b"x"), by=owner)
        grant("view", UserFactory(), incident)


@pytest.mark.parametrize("viewer_name", ["staff", "officer"])
def test_detail_queries_do_not_grow_with_timeline_obligations_and_files(
    request, client, incident, officer, viewer_name
):
    viewer = request.getfixturevalue(viewer_name)
    client.force_login(viewer)
    # Every report rule applies, and one report is recorded.
    incident.secret_leak = True
    incident.personal_info_involved = True
    incident.affects_critical_infrastructure = True
    services.update_incident(incident, by=officer, changed_fields=["secret_leak", "personal_info_involved"])
    services.set_grade(incident, Grade.LARGER, by=officer)
    services.record_report(
        incident, owed(incident)[POLICE], by=officer, sent_at=T0, channel="phone", receiving_body="公安机关"
    )
    add_detail_load(incident, officer, 3)
    few, few_html, few_sql = measure(client, incident.get_absolute_url())
    add_detail_load(incident, officer, 27)
    many, many_html, many_sql = measure(client, incident.get_absolute_url())
    assert many_html.count('<li class="list-group-item small">') > few_html.count(
        '<li class="list-group-item small">'
    )
    assert many == few, "\n".join(["extra queries with more rows:", *many_sql[len(few_sql) :]])
