"""The incident pages as a user meets them: the report form (with evidence), the list with its
filters and deadline countdowns, 我的报告, deletion, and need-to-know leaks."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.categories import Category, Grade
from incidents.models import Attachment, Incident, TimelineEntry
from szmz_security.auditlog.models import AuditEvent
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import grant
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("incidents:incident_add")
LIST = reverse("incidents:incident_list")
MINE = reverse("incidents:my_incidents")
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded evidence goes to a private folder per test (never under the web root)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def form(department, **changes):
    data = {
        "title": "U盘丢失",
        "department": department.pk,
        "discovered_at": local(timezone.now() - timedelta(hours=3)),
        "category": Category.OTHER,
        "description": "外出途中遗失一个工作U盘",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def field_error(html, name):
    """The error shown right under a field's input, select or textarea, or None."""
    match = re.search(
        rf'<(input|select|textarea)[^>]*name="{name}"[^>]*>(?:(?:(?!<(?:input|select|textarea)\b).)*?</\1>)?\s*'
        rf'<div class="invalid-feedback d-block" data-field="{name}">([^<]+)</div>',
        html,
        re.S,
    )
    return match.group(2) if match else None


def upload(name="photo.png", size=1024, content=None):
    return SimpleUploadedFile(name, b"\x89PNG" + b"0" * (size - 4) if content is None else content)


def nothing_written(media):
    assert Incident.objects.count() == 0
    assert Incident.history.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert Obligation.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


@pytest.fixture
def colleague(department):
    return UserFactory(username="colleague", roles=["staff"], departments=[department])


# --- the report form ----------------------------------------------------------------------------


def test_form_offers_the_users_department_and_now(client, staff):
    client.force_login(staff)
    response = client.get(ADD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "报告安全事件" in html
    assert re.search(r'<option value="\d+" selected>社会救助处</option>', html)
    assert "养老服务处" not in html  # only departments the user may file for
    assert f'value="{timezone.localtime():%Y-%m-%dT}' in html  # 发现时间 defaults to now
    # Grouped in sections a clerk can follow, required fields marked.
    for section in ("基本情况", "事件类型", "特殊情形", "断网处置", "事件经过"):
        assert section in html
    assert re.search(r'for="id_title">标题 <span class="text-danger" title="必填">\*</span>', html)
    assert not re.search(r'for="id_place">地点 <span class="text-danger"', html)
    # Sub-types are grouped by type.
    assert '<optgroup label="网络攻击事件">' in html
    assert re.search(r'<input type="file" name="evidence"[^>]* multiple', html)
    assert 'enctype="multipart/form-data"' in html


def test_filing_a_report_with_evidence_tells_which_reports_are_owed(client, staff, department, media):
    client.force_login(staff)
    discovered = timezone.now() - timedelta(hours=3)
    response = client.post(
        ADD,
        form(
            department,
            title="办公电脑感染勒索病毒",
            discovered_at=local(discovered),
            category=Category.MALWARE,
            subcategory="malware.ransomware",
            crime_suspected="on",
            personal_info_count="120",
            network_disconnected="on",
            disconnected_at=local(discovered + timedelta(minutes=5)),
            disconnected_by="陈安",
            suggested_grade=str(Grade.GENERAL.value),
            evidence=[upload("勒索提示.png"), upload("杀毒日志.txt", content=b"virus found")],
        ),
        follow=True,
    )
    incident = Incident.objects.get()
    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    assert incident.reported_by == staff
    assert incident.subcategory == "malware.ransomware"
    assert incident.personal_info_involved  # a count says so; the clerk need not tick both
    assert incident.disconnected_by == "陈安"
    html = response.content.decode()
    # The message names each report now owed and its deadline.
    police_due = timezone.localtime(discovered.replace(second=0, microsecond=0) + timedelta(hours=24))
    assert (
        "已报告事件“办公电脑感染勒索病毒”。须报送：公安机关（截止 " + f"{police_due:%Y-%m-%d %H:%M}" in html
    )
    assert "个人信息保护监管部门及受影响个人" in html
    # The detail page shows them with their countdowns, and the evidence.
    table = re.search(r'data-testid="obligations">(.*?)</table>', html, re.S).group(1)
    assert "公安机关" in table and 'class="countdown' in table
    assert sorted(a.original_name for a in incident.attachments.all()) == ["勒索提示.png", "杀毒日志.txt"]
    assert len(stored_files(media)) == 2
    assert "勒索提示.png" in html
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds.count(TimelineEntry.Kind.ATTACHMENT) == 2


def test_filing_what_owes_nothing_says_so(client, staff, department):
    client.force_login(staff)
    response = client.post(ADD, form(department), follow=True)
    assert "暂无须向监管机构报送的报告" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"discovered_at": "future"}, "discovered_at", "发现时间不能晚于当前时间。"),
        ({"occurred_at": "after"}, "occurred_at", "发生时间不能晚于发现时间。"),
        (
            {"category": Category.MALWARE, "subcategory": "attack.dos"},
            "subcategory",
            "事件子类与事件类型不一致。",
        ),
        ({"network_disconnected": "on"}, "disconnected_at", "已断网时请填写断网时间。"),
        ({"title": None}, "title", "该字段是必填项。"),
    ],
    ids=[
        "future-discovery",
        "occurred-after-discovery",
        "mismatched-subcategory",
        "no-disconnect-time",
        "no-title",
    ],
)
def test_refused_input_is_shown_next_to_the_field_and_nothing_is_written(
    client, staff, department, media, changes, field, message
):
    client.force_login(staff)
    discovered = timezone.now() - timedelta(hours=3)
    values = dict(changes)
    if values.get("discovered_at") == "future":
        values["discovered_at"] = local(timezone.now() + timedelta(days=1))
    if values.get("occurred_at") == "after":
        values["occurred_at"] = local(discovered + timedelta(hours=1))
    # A valid attachment goes along: a refused report must not leave it on disk.
    data = form(department, discovered_at=local(discovered), evidence=upload("ok.png"))
    data.update(values)
    data = {key: value for key, value in data.items() if value is not None}
    response = client.post(ADD, data)
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert field_error(html, field) == message
    assert re.search(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*class="[^"]*is-invalid', html)
    if "title" in data:
        assert 'value="U盘丢失"' in html  # what the user typed is kept
    assert "报告安全事件" in html  # still the new-report page
    nothing_written(media)


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        (upload("big.png", size=1024 * 1024 + 10), "big.png：文件过大（1.0 MB），上限 1 MB。"),
        (upload("run.exe"), "run.exe：不支持的文件类型“.exe”。"),
        (upload("empty.png", content=b""), None),
    ],
    ids=["oversized", "wrong-type", "empty"],
)
def test_refused_evidence_is_shown_next_to_the_file_input(
    client, staff, department, media, settings, evidence, message
):
    settings.INCIDENT_ATTACHMENT_MAX_MB = 1
    client.force_login(staff)
    response = client.post(ADD, form(department, evidence=[upload("fine.png"), evidence]))
    assert response.status_code == 200
    error = field_error(response.content.decode(), "evidence")
    assert error is not None
    if message:
        assert error.startswith(message)
    nothing_written(media)


def test_a_service_refusal_while_saving_is_shown_next_to_the_field(
    client, staff, department, media, monkeypatch
):
    """What the service refuses at save time (e.g. a rule the form did not check) rolls back the
    incident and whatever files were already stored, and names the field."""

    def refuse(incident, *, by=None):
        raise ValidationError({"occurred_at": "发生时间与值班记录不符。"})

    monkeypatch.setattr(services, "file_incident", refuse)
    client.force_login(staff)
    response = client.post(ADD, form(department, evidence=upload("ok.png")))
    # Refused input re-renders the form with 400, as every edit form of the portal does.
    assert response.status_code == 400
    assert field_error(response.content.decode(), "occurred_at") == "发生时间与值班记录不符。"
    nothing_written(media)


def test_a_failure_after_a_file_was_stored_removes_it_again(client, staff, department, media, monkeypatch):
    real = services.add_attachment
    calls = []

    def second_fails(incident, uploaded, **kwargs):
        calls.append(uploaded.name)
        if len(calls) == 2:
            raise ValidationError({"file": "存储空间不足。"})
        return real(incident, uploaded, **kwargs)

    monkeypatch.setattr(services, "add_attachment", second_fails)
    client.force_login(staff)
    response = client.post(ADD, form(department, evidence=[upload("a.png"), upload("b.png")]))
    assert response.status_code == 400
    assert calls == ["a.png", "b.png"]  # the first one was stored, then removed
    assert field_error(response.content.decode(), "evidence") == "存储空间不足。"
    nothing_written(media)


def test_filing_for_another_department_is_refused(client, staff, department, other_department, media):
    client.force_login(staff)
    response = client.post(ADD, form(other_department))
    assert response.status_code == 200
    assert "选择一个有效的选项" in field_error(response.content.decode(), "department")
    nothing_written(media)


def test_a_role_without_the_add_permission_gets_403(client, inspector):
    client.force_login(inspector)
    assert client.get(ADD).status_code == 403


def test_editing_recomputes_what_is_owed_and_notes_only_real_changes(client, officer, staff, department):
    incident = services.file_incident(
        Incident(
            title="门禁异常",
            description="测试",
            department=department,
            reported_by=staff,
            discovered_at=timezone.now() - timedelta(hours=2, seconds=17),
        )
    )
    assert not services.obligations_of(incident).exists()
    client.force_login(officer)
    data = form(
        department,
        title="门禁异常",
        discovered_at=local(incident.discovered_at),
        description="测试",
        crime_suspected="on",
    )
    response = client.post(reverse("incidents:incident_edit", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.crime_suspected
    assert list(services.obligations_of(incident).values_list("authority", flat=True)) == ["公安机关"]
    note = incident.timeline.filter(kind=TimelineEntry.Kind.NOTE).get()
    assert note.text == "修改了：涉嫌违法犯罪"  # the minute-only time input is not a change


def test_a_department_head_cannot_change_what_an_incident_owes(client, head, staff, department):
    """The head may correct the text, not waive the police report by unticking a box."""
    incident = services.file_incident(
        Incident(
            title="门禁异常",
            description="测试",
            department=department,
            reported_by=staff,
            crime_suspected=True,
            discovered_at=timezone.now() - timedelta(hours=2),
        )
    )
    client.force_login(head)
    page = client.get(reverse("incidents:incident_edit", args=[incident.pk])).content.decode()
    assert "仅安全员可修改" in page
    data = form(
        department,
        title="门禁异常（已核实）",
        discovered_at=local(incident.discovered_at),
        description="测试",
    )
    response = client.post(reverse("incidents:incident_edit", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "门禁异常（已核实）"
    assert incident.crime_suspected  # the unticked box was ignored
    assert list(services.obligations_of(incident).values_list("state", flat=True)) == ["open"]


# --- the list -----------------------------------------------------------------------------------


def rows(html):
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S).group(1)
    return re.findall(r"<tr\b.*?</tr>", body, re.S)


def listed(client, url=LIST, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return {
        incident.title
        for incident in Incident.objects.all()
        if f">{incident.title}" in response.content.decode()
    }


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def filed(department, staff, clock):
    def filing(title, **fields):
        fields.setdefault("description", "测试")
        fields.setdefault("discovered_at", T0 - timedelta(hours=1))
        return services.file_incident(
            Incident(title=title, department=department, reported_by=staff, **fields)
        )

    return filing


def test_list_filters_by_state_grade_category_and_leak(client, officer, department):
    IncidentFactory(title="新报告的", department=department)
    IncidentFactory(title="处置中的", department=department, state=Incident.State.HANDLING)
    IncidentFactory(title="定为较大", department=department, grade=Grade.LARGER)
    IncidentFactory(title="建议较大", department=department, suggested_grade=Grade.LARGER)
    IncidentFactory(title="百万人信息", department=department, personal_info_count=2_000_000)
    IncidentFactory(title="病毒", department=department, category=Category.MALWARE)
    IncidentFactory(title="泄密", department=department, secret_leak=True)
    client.force_login(officer)
    everything = listed(client)
    assert len(everything) == 7
    assert listed(client, state="handling") == {"处置中的"}
    # The grade the deadlines follow: an officer's, a suggestion, or what the count forces.
    assert listed(client, grade="2") == {"定为较大", "建议较大", "百万人信息"}
    assert listed(client, grade="1") == everything - {"定为较大", "建议较大", "百万人信息"}
    assert listed(client, category="malware") == {"病毒"}
    assert listed(client, secret_leak="true") == {"泄密"}
    assert listed(client, q="病毒") == {"病毒"}


def test_list_filters_overdue_and_shows_each_next_deadline_with_a_countdown(client, officer, filed, clock):
    overdue = filed("逾期未报", crime_suspected=True, discovered_at=T0 - timedelta(hours=30))
    soon = filed("即将到期", crime_suspected=True, discovered_at=T0 - timedelta(hours=23))
    later = filed("时间充裕", secret_leak=True, discovered_at=T0 - timedelta(hours=1))
    filed("无须报告")
    client.force_login(officer)
    assert listed(client, overdue="true") == {"逾期未报"}
    assert listed(client, overdue="false") == {"即将到期", "时间充裕", "无须报告"}

    html = client.get(LIST).content.decode()
    by_title = {re.search(r'href="/incidents/\d+/">([^<]+)', row).group(1).strip(): row for row in rows(html)}
    assert "公安机关" in by_title["逾期未报"]
    assert re.search(r'class="countdown text-danger fw-bold"[^>]*>已逾期 6小时0分<', by_title["逾期未报"])
    # Under two hours left: red.
    assert re.search(r'class="countdown text-danger fw-bold"[^>]*>剩余 1小时0分<', by_title["即将到期"])
    assert "保密机关" in by_title["时间充裕"]
    assert re.search(r'class="countdown text-body-secondary"[^>]*>剩余 23小时0分<', by_title["时间充裕"])
    assert 'data-deadline="' + services.obligations_of(later).get().due_at.isoformat() in by_title["时间充裕"]
    assert "countdown" not in by_title["无须报告"]
    # Grade and state badges; a leak is marked.
    assert "新报告" in by_title["逾期未报"] and "一般" not in by_title["无须报告"]
    assert "未定级" in by_title["无须报告"]
    assert "bi-lock-fill" in by_title["时间充裕"]
    # A met report no longer counts.
    services.record_report(
        overdue,
        services.obligations_of(overdue).get(),
        by=officer,
        sent_at=T0,
        channel="phone",
        receiving_body="公安机关",
    )
    assert listed(client, overdue="true") == set()
    assert soon.title in listed(client)


def test_csv_export_has_the_new_columns(client, officer, filed):
    filed(
        "逾期未报", crime_suspected=True, discovered_at=T0 - timedelta(hours=30), suggested_grade=Grade.LARGER
    )
    client.force_login(officer)
    response = client.get(LIST, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ["标题", "部门", "发现时间", "类型", "等级", "状态", "下一截止", "涉及泄密", "报告人"]
    assert row[0] == "逾期未报"
    assert row[4] == "较大（建议）"
    assert row[5] == "新报告"
    assert row[6] == "省网信办 2026-03-01 07:00（已逾期）"  # the nearest open deadline
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == 1


def test_my_reports_lists_only_what_i_reported(client, staff, colleague, department, other_department):
    mine = IncidentFactory(title="我报告的", department=department, reported_by=staff)
    IncidentFactory(title="同事报告的", department=department, reported_by=colleague)
    # Moved to another department since: still mine (the reporter keeps sight of it).
    moved = IncidentFactory(title="已转给养老服务处", department=other_department, reported_by=staff)
    grant("view", staff, moved)
    client.force_login(staff)
    assert listed(client, MINE) == {"我报告的", "已转给养老服务处"}
    assert listed(client, LIST) == {"我报告的", "同事报告的", "已转给养老服务处"}
    html = client.get(MINE).content.decode()
    assert '<h1 class="h4 mb-0">我的报告</h1>' in html
    assert f'href="{mine.get_absolute_url()}"' in html


def test_navigation_offers_all_incidents_my_reports_and_reporting(client, staff, inspector):
    client.force_login(staff)
    html = client.get(reverse("dashboard")).content.decode()
    for url, label in ((LIST, "全部事件"), (MINE, "我的报告"), (ADD, "报告事件")):
        assert f'href="{url}">' in html or f'href="{url}"><i' in html, label
        assert label in html
    client.force_login(inspector)
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{MINE}"' in html
    assert f'href="{ADD}"' not in html  # inspectors do not file reports


# --- deletion -----------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(client, head, department):
    incident = IncidentFactory(department=department, title="误报的告警")
    url = reverse("incidents:incident_delete", args=[incident.pk])
    client.force_login(head)

    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "确认删除" in html
    assert "误报的告警" in html
    assert '<form method="post">' in html
    assert Incident.objects.filter(pk=incident.pk).exists()  # asking deletes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "已删除：误报的告警" in response.content.decode()
    assert not Incident.objects.filter(pk=incident.pk).exists()
    # The record's history is kept, with the deletion in it.
    assert list(Incident.history.filter(id=incident.pk).values_list("history_type", flat=True)) == ["-", "+"]


def test_detail_page_offers_edit_and_delete_only_to_those_who_may(client, staff, head, department):
    incident = IncidentFactory(department=department)
    edit = reverse("incidents:incident_edit", args=[incident.pk])
    delete = reverse("incidents:incident_delete", args=[incident.pk])

    client.force_login(staff)
    html = client.get(incident.get_absolute_url()).content.decode()
    assert edit not in html and delete not in html

    client.force_login(head)
    html = client.get(incident.get_absolute_url()).content.decode()
    assert f'href="{edit}"' in html and f'href="{delete}"' in html


# --- secret leaks (need-to-know) ----------------------------------------------------------------


@pytest.fixture
def leak(client, staff, department):
    """A secret leak filed by ``staff`` through the form, as a user would."""
    client.force_login(staff)
    response = client.post(ADD, form(department, title="涉密文件误发外网", secret_leak="on"))
    assert response.status_code == 302
    client.logout()
    incident = Incident.objects.get()
    assert incident.restricted
    return incident


def test_a_leak_is_hidden_from_the_departments_other_staff(client, leak, colleague, head):
    for user in (colleague, head):
        client.force_login(user)
        assert client.get(leak.get_absolute_url()).status_code == 404
        list_html = client.get(LIST).content.decode()
        assert "涉密文件误发外网" not in list_html
        assert client.get(reverse("api:incident-detail", args=[leak.pk])).status_code == 404


@pytest.mark.parametrize("user_name", ["staff", "secrecy", "officer"])
def test_a_leak_is_visible_to_its_reporter_the_secrecy_office_and_officers(request, client, leak, user_name):
    client.force_login(request.getfixturevalue(user_name))
    response = client.get(leak.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "涉密文件误发外网" in html
    assert "知悉范围受限" in html
    assert "保密机关" in html  # its 24-hour clock
    assert f'href="{leak.get_absolute_url()}"' in client.get(LIST).content.decode()


def test_viewing_a_leak_is_written_to_the_audit_log(client, leak, secrecy):
    client.force_login(secrecy)
    client.get(leak.get_absolute_url())
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW)
    assert event.user == secrecy
    assert event.object_id == str(leak.pk)
    assert event.object_repr == "涉密文件误发外网"
