"""Governance rules: account reviews after staff changes and the yearly one (7 §2), the officer
roster (2 §1), the on-call rota (3 §3), log sources (2 §5, 8 §1), scan findings (2 §6, 8 §2),
training (9) and privileged-account passwords (5 §4)."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.governance import services as governance
from audits.models import AccountReview, OfficerAppointment, OnCallShift, PrivilegedAccount
from audits.reviews import services
from szmz_security.obligations.models import Obligation
from tests.audits.governance_factories import (
    LogSourceFactory,
    OfficerAppointmentFactory,
    OnCallShiftFactory,
    PrivilegedAccountFactory,
    SecurityScanFactory,
    TrainingSessionFactory,
)
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


# --- 7 §2: staff changes open an account review ---------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the change schedules after commit (the review is opened then)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_rolled_back_or_uncommitted_change_opens_nothing(officer, staff):
    staff.is_active = False
    staff.save()  # the test transaction never commits
    assert not reviews_of(staff).exists()


def reviews_of(user):
    return AccountReview.objects.filter(subject=user).select_related("obligation")


@time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=TZ), tick=False)  # a Wednesday
def test_deactivating_a_user_opens_an_account_review_due_in_five_working_days(officer, staff, committed):
    with committed():
        staff.is_active = False
        staff.save()
    (review,) = reviews_of(staff)
    assert review.kind == AccountReview.Kind.DEACTIVATED
    assert review.department.code == "XXZX"
    obligation = review.obligation
    assert obligation.kind == "audits.account_review"
    assert obligation.clause == "市民政局制度 第七章第2条"
    assert "security_officer" in obligation.notify_roles
    # Wednesday + 5 working days = the next Wednesday, end of day.
    assert timezone.localtime(obligation.due_at).date() == datetime.date(2026, 12, 2)
    # Saving again (still inactive) opens nothing more.
    with committed():
        staff.save()
    assert reviews_of(staff).count() == 1


def test_saving_an_active_user_opens_nothing(officer, staff, committed):
    with committed():
        staff.first_name = "张"
        staff.save()
    assert not reviews_of(staff).exists()


def test_a_new_users_first_department_is_not_a_staff_change(officer, department, committed):
    with committed():
        user = UserFactory(departments=[department])
    assert not reviews_of(user).exists()


def test_moving_department_opens_one_review(officer, staff, department, other_department, committed):
    with committed():
        department.remove_member(staff)
        other_department.add_member(staff)
    (review,) = reviews_of(staff)
    assert review.kind == AccountReview.Kind.LEFT
    assert department.name in review.reason and other_department.name in review.reason
    assert review.obligation.kind == "audits.account_review"


def test_joining_a_second_department_opens_a_review(officer, staff, other_department, committed):
    with committed():
        other_department.group.user_set.add(staff)  # the reverse side of the relation
    (review,) = reviews_of(staff)
    assert review.kind == AccountReview.Kind.JOINED


def test_role_groups_are_not_department_changes(officer, staff, committed):
    from django.contrib.auth.models import Group

    with committed():
        staff.groups.add(Group.objects.create(name="某个角色"))
    assert not reviews_of(staff).exists()


def test_closing_a_review_meets_its_obligation(officer, staff, committed):
    with committed():
        staff.is_active = False
        staff.save()
    review = reviews_of(staff).get()
    with pytest.raises(ValidationError) as error:
        governance.close_account_review(review, by=officer)
    assert "note" in error.value.message_dict
    governance.close_account_review(
        review, by=officer, accounts_disabled="OA系统 staff", rights_changed="邮箱"
    )
    review.obligation.refresh_from_db()
    assert review.obligation.state == Obligation.State.MET
    assert "OA系统 staff" in review.obligation.evidence
    with pytest.raises(ValidationError):
        governance.close_account_review(review, by=officer, note="again")


def test_close_through_the_page(client, officer, staff, committed):
    with committed():
        staff.is_active = False
        staff.save()
    review = reviews_of(staff).get()
    client.force_login(officer)
    url = reverse("audits:accountreview_close", args=[review.pk])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "请填写已停用的账号" in response.content.decode()
    assert client.post(url, {"accounts_disabled": "OA系统 staff"}).status_code == 302
    review.refresh_from_db()
    assert review.closed and review.closed_by == officer


# --- 7 §2: the yearly account review --------------------------------------------------------------


def test_yearly_account_review_is_ensured_once_by_the_beat_service(officer):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=TZ), tick=False):
        services.ensure_quarterly_review()
        services.ensure_quarterly_review()
    with time_machine.travel(datetime.datetime(2026, 8, 1, 9, 0, tzinfo=TZ), tick=False):
        services.ensure_quarterly_review()
    yearly = Obligation.objects.filter(kind="audits.account_review.yearly")
    assert yearly.count() == 1
    assert timezone.localtime(yearly.get().due_at).date() == datetime.date(2026, 12, 31)
    with time_machine.travel(datetime.datetime(2027, 1, 2, 9, 0, tzinfo=TZ), tick=False):
        services.ensure_quarterly_review()
    assert yearly.count() == 2
    assert AccountReview.objects.filter(kind="yearly").count() == 2


def test_closing_the_yearly_review_with_a_note_meets_it(officer):
    review = governance.ensure_yearly_account_review()
    governance.close_account_review(review, by=officer, note="全局账号与人事名单核对一致")
    review.obligation.refresh_from_db()
    assert review.obligation.state == Obligation.State.MET


# --- 2 §1: the roster -------------------------------------------------------------------------------


def test_roster_shortfall_and_the_dashboard_card(client, officer):
    xxzx = DepartmentFactory(code="XXZX")
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=TZ), tick=False):
        OfficerAppointmentFactory(department=xxzx, kind=OfficerAppointment.Kind.FULL_TIME)
        for _ in range(2):
            OfficerAppointmentFactory(department=xxzx)
        ending = OfficerAppointmentFactory(department=xxzx, ended_on=datetime.date(2026, 6, 30))
        assert governance.roster_shortfall() == []
        client.force_login(officer)
        html = client.get(reverse("audits:officerappointment_list")).content.decode()
        assert 'data-testid="roster-complete"' in html
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, 0, tzinfo=TZ), tick=False):
        # The fourth part-timer's term has ended: 3 兼职 required, 2 left.
        assert governance.roster_status()["missing"] == 1
        assert governance.roster_shortfall() == ["兼职安全员 2 人，应至少 3 人"]
        client.force_login(officer)
        html = client.get(reverse("audits:officerappointment_list")).content.decode()
        assert 'data-testid="roster-shortfall"' in html and "兼职安全员 2 人" in html
        dashboard = client.get(reverse("dashboard")).content.decode()
        assert "安全员配备不足" in dashboard
        assert re.search(r'data-testid="card-warning">[^<]*兼职安全员 2 人', dashboard)
    assert ending.ended_on == datetime.date(2026, 6, 30)


def test_appointment_end_before_start_is_refused(client, officer):
    client.force_login(officer)
    xxzx = DepartmentFactory(code="XXZX")
    response = client.post(
        reverse("audits:officerappointment_add"),
        {
            "person": officer.pk,
            "kind": "full_time",
            "phone": "13800000000",
            "appointed_on": "2026-05-01",
            "ended_on": "2026-04-01",
            "department": xxzx.pk,
        },
    )
    assert response.status_code == 400
    assert "卸任日期不能早于任命日期" in response.content.decode()
    assert not OfficerAppointment.objects.exists()


# --- 3 §3: the on-call rota ----------------------------------------------------------------------------


def test_on_call_today_and_gaps(client, officer):
    xxzx = DepartmentFactory(code="XXZX")
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=TZ), tick=False):
        shift = OnCallShiftFactory(
            department=xxzx,
            person=officer,
            starts_on=datetime.date(2026, 11, 23),
            ends_on=datetime.date(2026, 11, 29),
        )
        OnCallShiftFactory(
            department=xxzx, starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 31)
        )
        assert governance.rota_gaps(datetime.date(2026, 11, 23), datetime.date(2026, 12, 6)) == [
            datetime.date(2026, 11, 30)
        ]
        client.force_login(officer)
        html = client.get(reverse("audits:oncall_today")).content.decode()
        assert 'data-testid="on-call-today"' in html and shift.phone in html
        assert 'data-testid="rota-gaps"' in html and "11-30" in html
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=TZ), tick=False):
        client.force_login(officer)
        html = client.get(reverse("audits:oncall_today")).content.decode()
        assert 'data-testid="on-call-none"' in html


def test_shift_ending_before_it_starts_is_refused(client, officer):
    client.force_login(officer)
    xxzx = DepartmentFactory(code="XXZX")
    response = client.post(
        reverse("audits:oncallshift_add"),
        {
            "person": officer.pk,
            "phone": "1",
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
            "department": xxzx.pk,
        },
    )
    assert response.status_code in (200, 400)  # the form re-rendered, nothing saved
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not OnCallShift.objects.exists()


# --- 2 §5, 8 §1: log sources ----------------------------------------------------------------------------


def test_log_retention_below_60_days_is_refused(client, officer):
    client.force_login(officer)
    xxzx = DepartmentFactory(code="XXZX")
    data = {"system": "门户网站", "location": "日志服务器", "retention_days": "59", "department": xxzx.pk}
    response = client.post(reverse("audits:logsource_add"), data)
    assert response.status_code == 400
    assert "日志保存期限不得少于 60 天" in response.content.decode()
    data["retention_days"] = "60"
    assert client.post(reverse("audits:logsource_add"), data).status_code == 302


def test_log_source_flags_below_law_and_stale():
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, 0, tzinfo=TZ), tick=False):
        source = LogSourceFactory(retention_days=90)
        fresh = LogSourceFactory(retention_days=180)
        flags = governance.log_source_flags(source)
        assert flags == ["保存 90 天，低于网络安全法要求的六个月（180 天）"]
        assert governance.log_source_flags(fresh) == []
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=TZ), tick=False):  # 91 days later
        assert "超过 90 天未核查" in governance.log_source_flags(fresh)
        from audits.models import LogSource

        assert set(LogSource.objects.filter(governance.stale_log_sources_q())) == {source, fresh}
        governance.verify_log_source(fresh, by=UserFactory())
        assert governance.log_source_flags(fresh) == []


# --- 2 §6, 8 §2: scan findings -----------------------------------------------------------------------------


def test_scan_finding_is_an_obligation_met_when_fixed(officer):
    scan = SecurityScanFactory(department=DepartmentFactory(code="XXZX"))
    finding = governance.add_scan_finding(
        scan,
        severity="high",
        description="Apache Struts 远程代码执行漏洞",
        owner=officer,
        fix_due=timezone.localdate() + datetime.timedelta(days=7),
        by=officer,
    )
    obligation = finding.obligation
    assert obligation.kind == "audits.scan_finding" and obligation.assignee == officer
    assert obligation.state == Obligation.State.OPEN
    with pytest.raises(ValidationError):
        governance.fix_scan_finding(
            finding, fixed_on=timezone.localdate() + datetime.timedelta(days=1), note="", by=officer
        )
    governance.fix_scan_finding(finding, fixed_on=timezone.localdate(), note="已升级", by=officer)
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET


def test_fix_due_before_the_scan_is_refused(client, officer):
    scan = SecurityScanFactory(department=DepartmentFactory(code="XXZX"))
    client.force_login(officer)
    response = client.post(
        reverse("audits:scanfinding_add", args=[scan.pk]),
        {"severity": "high", "description": "弱口令", "owner": officer.pk, "fix_due": "2000-01-01"},
    )
    assert response.status_code == 400
    assert "整改期限不能早于检测日期" in response.content.decode()
    assert not scan.findings.exists()


# --- 9: training ---------------------------------------------------------------------------------------------


def test_attendance_and_a_persons_history(client, officer, staff):
    session = TrainingSessionFactory(department=DepartmentFactory(code="XXZX"), title="网络安全法解读")
    client.force_login(officer)
    response = client.post(
        reverse("audits:attendance_add", args=[session.pk]),
        {"users": [staff.pk, officer.pk], "attended": "1"},
    )
    assert response.status_code == 302
    governance.record_attendance(session, users=[officer], attended=False)
    assert session.attendance.filter(attended=True).get().user == staff
    client.force_login(staff)
    html = client.get(reverse("audits:training_history", args=[staff.pk])).content.decode()
    assert "网络安全法解读" in html and "已参加" in html


# --- 5 §4: privileged accounts ------------------------------------------------------------------------------


def test_privileged_password_overdue_and_changed(client, officer):
    xxzx = DepartmentFactory(code="XXZX")
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, 0, tzinfo=TZ), tick=False):
        account = PrivilegedAccountFactory(
            department=xxzx, approved_on=datetime.date(2026, 1, 1), password_interval_days=30
        )
        assert not account.password_overdue()
    with time_machine.travel(datetime.datetime(2026, 2, 1, 9, 0, tzinfo=TZ), tick=False):
        account.refresh_from_db()
        assert account.password_overdue()
        client.force_login(officer)
        html = client.get(reverse("audits:privilegedaccount_list"), {"overdue": "true"}).content.decode()
        assert account.get_absolute_url() in html
        governance.record_password_change(account, changed_on=datetime.date(2026, 2, 1), by=officer)
        account.refresh_from_db()
        assert not account.password_overdue()
        assert account.password_due_on == datetime.date(2026, 3, 3)
        html = client.get(reverse("audits:privilegedaccount_list"), {"overdue": "true"}).content.decode()
        assert account.get_absolute_url() not in html
        assert PrivilegedAccount.objects.filter(governance.overdue_accounts_q()).count() == 0
