"""Emergency plans (应急预案) and drills (应急演练): approval by leadership retires the older
version in one transaction; a drill is recorded held only with findings and improvements; the
yearly drill obligation is created once per department owning an approved plan, met by a drill
held that year, overdue after the due date; another department sees nothing; history on change."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits.continuity import services
from audits.models import EmergencyDrill, EmergencyPlan
from audits.tasks import ensure_drill_obligations
from szmz_security.compliance import services as compliance
from szmz_security.compliance.models import Clause
from szmz_security.compliance.outcome import Status
from szmz_security.obligations.models import Obligation
from tests.audits.factories import EmergencyDrillFactory, EmergencyPlanFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def drill_obligations(department):
    return Obligation.objects.filter(kind=services.DRILL_KIND, department=department)


# --- approval ---------------------------------------------------------------------------------------


def test_leader_approves_a_plan_on_its_page_and_the_older_version_is_retired(client, leader, department):
    old = EmergencyPlanFactory(title="网络安全事件应急预案", version="2025版", department=department)
    services.approve_plan(old, by=leader)
    new = EmergencyPlanFactory(title="网络安全事件应急预案", version="2026版", department=department)
    client.force_login(leader)
    page = client.get(new.get_absolute_url())
    assert "批准预案（局领导）" in page.content.decode()
    response = client.post(
        reverse("audits:emergencyplan_approve", args=[new.pk]), {"approved_on": timezone.localdate()}
    )
    assert response.status_code == 302
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == EmergencyPlan.Status.APPROVED
    assert new.approved_by == leader and new.approved_on == timezone.localdate()
    assert old.status == EmergencyPlan.Status.RETIRED
    assert old.history.first().history_change_reason.startswith("被新版本替代")


def test_an_explicit_supersedes_link_retires_a_plan_of_another_title(leader, department):
    old = EmergencyPlanFactory(title="机房断电应急预案", department=department)
    services.approve_plan(old, by=leader)
    new = EmergencyPlanFactory(title="机房供电与网络中断应急预案", supersedes=old, department=department)
    services.approve_plan(new, by=leader)
    old.refresh_from_db()
    assert old.status == EmergencyPlan.Status.RETIRED


def test_officer_edits_but_staff_cannot_approve(client, staff, department):
    plan = EmergencyPlanFactory(department=department)
    client.force_login(staff)
    response = client.post(reverse("audits:emergencyplan_approve", args=[plan.pk]), {})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == EmergencyPlan.Status.DRAFT and plan.approved_by is None


def test_an_approved_plan_cannot_be_approved_again(client, leader, department):
    plan = EmergencyPlanFactory(department=department)
    services.approve_plan(plan, by=leader)
    client.force_login(leader)
    response = client.post(reverse("audits:emergencyplan_approve", args=[plan.pk]), {})
    assert response.status_code == 400
    assert "只有草稿可以批准" in response.content.decode()


def test_approval_through_the_api(client, leader, staff, department):
    plan = EmergencyPlanFactory(department=department)
    client.force_login(staff)
    url = reverse("api:emergencyplan-approve", args=[plan.pk])
    assert client.post(url, {}, content_type="application/json").status_code == 403
    client.force_login(leader)
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["approved_by"] == leader.pk


def test_approved_by_cannot_be_set_through_the_form_or_the_api(client, officer, department):
    client.force_login(officer)
    response = client.post(
        reverse("api:emergencyplan-list"),
        {
            "title": "数据泄露应急预案",
            "scope": "社会救助系统",
            "version": "2026版",
            "summary": "处置流程",
            "department": department.pk,
            "status": "approved",
            "approved_by": officer.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    plan = EmergencyPlan.objects.get(pk=response.json()["id"])
    assert plan.status == EmergencyPlan.Status.DRAFT and plan.approved_by is None


def test_plan_form_refuses_missing_fields_in_chinese_and_saves_nothing(client, officer, department):
    client.force_login(officer)
    response = client.post(reverse("audits:emergencyplan_add"), {"title": "", "department": department.pk})
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert errors["title"] and errors["scope"] and errors["summary"]
    assert not EmergencyPlan.objects.exists()


def test_plan_edit_records_history(client, officer, department):
    plan = EmergencyPlanFactory(department=department)
    client.force_login(officer)
    data = {
        "title": plan.title,
        "version": "2026版（修订）",
        "scope": plan.scope,
        "summary": plan.summary,
        "department": department.pk,
    }
    response = client.post(reverse("audits:emergencyplan_edit", args=[plan.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert plan.history.count() == 2
    assert plan.history.first().history_user == officer
    history = client.get(reverse("audits:emergencyplan_history", args=[plan.pk]))
    assert "2026版（修订）" in history.content.decode()


# --- drills ------------------------------------------------------------------------------------------


def test_recording_a_drill_held_needs_findings_and_improvements(client, officer, department):
    drill = EmergencyDrillFactory(department=department)
    client.force_login(officer)
    url = reverse("audits:emergencydrill_held", args=[drill.pk])
    response = client.post(url, {"held_on": timezone.localdate(), "findings": "", "improvements": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写演练中发现的问题" in html
    assert "请填写针对发现问题的改进措施" in html
    drill.refresh_from_db()
    assert drill.status == EmergencyDrill.Status.PLANNED and drill.held_on is None


def test_api_record_held_names_the_missing_field(client, officer, department):
    drill = EmergencyDrillFactory(department=department)
    client.force_login(officer)
    url = reverse("api:emergencydrill-record-held", args=[drill.pk])
    response = client.post(
        url,
        {"held_on": str(timezone.localdate()), "findings": "备份恢复耗时过长"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "improvements" in response.json()
    drill.refresh_from_db()
    assert drill.status == EmergencyDrill.Status.PLANNED


def test_a_drill_cannot_be_held_in_the_future(officer, department):
    drill = EmergencyDrillFactory(department=department)
    with pytest.raises(Exception) as error:
        services.record_drill_held(
            drill,
            held_on=timezone.localdate() + datetime.timedelta(days=3),
            findings="无",
            improvements="无",
            by=officer,
        )
    assert "实施日期不能晚于今天" in str(error.value)


# --- the yearly drill obligation ---------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False)
def test_beat_creates_one_drill_obligation_per_department_with_an_approved_plan(
    leader, department, other_department
):
    plan = EmergencyPlanFactory(department=department)
    EmergencyPlanFactory(department=other_department)  # a draft: owes nothing yet
    services.approve_plan(plan, by=leader)
    ensure_drill_obligations()
    ensure_drill_obligations()
    (obligation,) = drill_obligations(department)
    assert not drill_obligations(other_department).exists()
    assert timezone.localtime(obligation.due_at).date() == datetime.date(2026, 12, 31)
    assert obligation.state == Obligation.State.OPEN


def test_a_drill_held_meets_the_years_obligation(officer, leader, department):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        plan = EmergencyPlanFactory(department=department)
        services.approve_plan(plan, by=leader)
        drill = EmergencyDrillFactory(department=department, plan=plan)
    with time_machine.travel(datetime.datetime(2026, 6, 10, 10, 0, tzinfo=TZ), tick=False):
        services.record_drill_held(
            drill,
            held_on=datetime.date(2026, 6, 9),
            findings="备用链路切换超过30分钟",
            improvements="修订切换脚本，每季度检查",
            by=officer,
        )
    (obligation,) = drill_obligations(department)
    assert obligation.state == Obligation.State.MET
    assert "备用链路切换" in obligation.evidence


def test_a_drill_after_the_due_date_meets_it_late(settings, officer, leader, department):
    settings.AUDITS_DRILL_DUE = "06-30"
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        plan = EmergencyPlanFactory(department=department)
        services.approve_plan(plan, by=leader)
        drill = EmergencyDrillFactory(department=department, plan=plan)
    with time_machine.travel(datetime.datetime(2026, 7, 15, 10, 0, tzinfo=TZ), tick=False):
        (obligation,) = drill_obligations(department)
        assert obligation.state == Obligation.State.OPEN and obligation.due_at < timezone.now()  # overdue
        services.record_drill_held(
            drill,
            held_on=datetime.date(2026, 7, 14),
            findings="无重大问题",
            improvements="完善通讯录",
            by=officer,
        )
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET_LATE


# --- another department -------------------------------------------------------------------------------


def test_another_department_sees_neither_plans_nor_drills(client, outsider, staff, department):
    plan = EmergencyPlanFactory(department=department, title="社会救助系统应急预案")
    drill = EmergencyDrillFactory(department=department, plan=plan)
    client.force_login(outsider)
    assert "社会救助系统应急预案" not in client.get(reverse("audits:emergencyplan_list")).content.decode()
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(drill.get_absolute_url()).status_code == 404
    assert client.get(reverse("api:emergencyplan-detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("api:emergencydrill-detail", args=[drill.pk])).status_code == 404
    client.force_login(staff)
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(drill.get_absolute_url()).status_code == 200


def test_an_approved_plan_keeps_its_text_a_new_version_is_needed(client, officer, leader, department):
    plan = EmergencyPlanFactory(department=department)
    services.approve_plan(plan, by=leader)
    client.force_login(officer)
    data = {
        "title": plan.title,
        "version": plan.version,
        "scope": plan.scope,
        "summary": "偷偷改过的处置流程",
        "department": department.pk,
    }
    response = client.post(reverse("audits:emergencyplan_edit", args=[plan.pk]), data)
    assert response.status_code == 400
    assert "请登记新版本" in response.content.decode()
    plan.refresh_from_db()
    assert plan.summary != "偷偷改过的处置流程"


def test_api_plan_without_title_answers_400_naming_it(client, officer, department):
    client.force_login(officer)
    response = client.post(
        reverse("api:emergencyplan-list"),
        {"scope": "全部系统", "version": "2026版", "summary": "流程", "department": department.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "title" in response.json()
    assert not EmergencyPlan.objects.exists()


def test_a_drill_must_follow_a_plan_of_its_own_department(client, officer, department, other_department):
    foreign_plan = EmergencyPlanFactory(department=other_department)
    client.force_login(officer)
    response = client.post(
        reverse("audits:emergencydrill_add"),
        {
            "plan": foreign_plan.pk,
            "planned_on": timezone.localdate(),
            "scenario": "机房断电",
            "department": department.pk,
        },
    )
    assert response.status_code == 400
    assert "只能选择本部门的应急预案" in response.content.decode()
    assert not EmergencyDrill.objects.exists()


def test_cancelling_a_drill_needs_a_reason_and_is_in_its_history(client, officer, department):
    drill = EmergencyDrillFactory(department=department)
    client.force_login(officer)
    url = reverse("audits:emergencydrill_cancel", args=[drill.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "请说明取消原因" in response.content.decode()
    assert client.post(url, {"reason": "与等保测评时间冲突，改期"}).status_code == 302
    drill.refresh_from_db()
    assert drill.status == EmergencyDrill.Status.CANCELLED
    assert drill.history.first().history_change_reason == "取消：与等保测评时间冲突，改期"
    assert drill.history.first().history_user == officer


# --- compliance: the inspector's view ------------------------------------------------------------------


def self_inspection_5(since):
    evaluation = compliance.evaluate("self-inspection", since=since)
    clause = Clause.objects.get(framework__code="self-inspection", code="5")
    return evaluation.by_clause[clause.pk]


def test_self_inspection_clause_5_is_met_by_the_approved_plan_and_the_drill_held(officer, leader, department):
    since = datetime.datetime(2026, 1, 1, tzinfo=TZ)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        plan = EmergencyPlanFactory(department=department)
        services.approve_plan(plan, by=leader)
        drill = EmergencyDrillFactory(department=department, plan=plan)
    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=TZ), tick=False):
        result = self_inspection_5(since)
        assert result.status == Status.OVERDUE  # a year passed without the drill
    with time_machine.travel(datetime.datetime(2026, 6, 10, 10, 0, tzinfo=TZ), tick=False):
        services.record_drill_held(
            drill, held_on=datetime.date(2026, 6, 9), findings="切换超时", improvements="修订脚本", by=officer
        )
    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=TZ), tick=False):
        result = self_inspection_5(since)
        assert [item.status for item in result.items] == [Status.MET, Status.MET, Status.MET]
        assert result.status == Status.MET


# --- the plan's text (attachment, checked by content) --------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def plan_data(department, **extra):
    return {
        "title": "网络安全事件应急预案",
        "version": "2026版",
        "scope": "政务外网",
        "summary": "处置流程",
        "department": department.pk,
        **extra,
    }


def test_a_plan_text_disguised_as_pdf_is_refused_next_to_the_field(client, officer, department):
    client.force_login(officer)
    fake = SimpleUploadedFile("预案.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("audits:emergencyplan_add"), plan_data(department, attachment_file=fake))
    assert response.status_code == 400
    assert 'data-field="attachment_file"' in response.content.decode()
    assert not EmergencyPlan.objects.exists()


def test_the_plan_text_downloads_for_its_department_only(client, officer, staff, outsider, department):
    client.force_login(officer)
    pdf = SimpleUploadedFile("网络安全事件应急预案.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("audits:emergencyplan_add"), plan_data(department, attachment_file=pdf))
    assert response.status_code == 302
    plan = EmergencyPlan.objects.get()
    assert plan.attachment_name == "网络安全事件应急预案.pdf"
    url = reverse("audits:emergencyplan_attachment", args=[plan.pk])
    client.force_login(staff)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_drill_obligations_run_hourly_from_beat(settings):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "audits.ensure_drill_obligations"
    ]
    assert len(entries) == 1 and entries[0]["schedule"] <= 24 * 3600


def test_inspectors_and_department_heads_see_but_do_not_approve(client, inspector, head, department):
    plan = EmergencyPlanFactory(department=department)
    for user in (inspector, head):
        client.force_login(user)
        assert client.get(plan.get_absolute_url()).status_code == 200
        url = reverse("api:emergencyplan-approve", args=[plan.pk])
        assert client.post(url, {}, content_type="application/json").status_code == 403
    plan.refresh_from_db()
    assert plan.status == EmergencyPlan.Status.DRAFT
