"""Clause status rules (met / due soon / overdue / no evidence / not applicable), with travelled time."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from szmz_security.compliance import services
from szmz_security.compliance.evidence import Status
from szmz_security.compliance.models import Clause
from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import meet
from tests.factories import ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def status_of(code, framework="szmz-2008", **kwargs):
    evaluation = services.evaluate(framework, **kwargs)
    clause = Clause.objects.get(framework__code=getattr(framework, "code", framework), code=code)
    return evaluation.by_clause[clause.pk]


def monthly_obligation(kind, due, **kwargs):
    return ObligationFactory(kind=kind, created_at=due.replace(day=1, hour=0), due_at=due, **kwargs)


# --- obligations ----------------------------------------------------------------------------------


def test_an_overdue_monthly_fire_check_turns_5_7_overdue_and_met_late_is_not_met():
    since = at(2026, 2, 1)
    with time_machine.travel(at(2026, 2, 1, 9), tick=False):
        obligation = monthly_obligation("machine_room.fire_check", at(2026, 2, 28, 23, 59))
    with time_machine.travel(at(2026, 2, 10, 9), tick=False):
        # Not yet due: never counts as met.
        assert status_of("5.7", since=since).items[0].status == Status.NO_EVIDENCE
    with time_machine.travel(at(2026, 2, 24, 9), tick=False):
        assert status_of("5.7", since=since).items[0].status == Status.DUE_SOON
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        fire = status_of("5.7", since=since)
        assert fire.status == Status.OVERDUE and fire.items[0].status == Status.OVERDUE
        assert "已逾期未完成" in fire.items[0].reason and "2026-02-28" in fire.items[0].reason
        chapter = services.evaluate("szmz-2008", since=since).chapter("szmz-2008", "5")
        assert chapter.counts[Status.OVERDUE] >= 1

        meet(obligation, by=UserFactory(), evidence="已检查 4 具灭火器")
        fire = status_of("5.7", since=since)
        assert fire.items[0].status == Status.LATE
        assert "2026年2月逾期完成" in fire.items[0].reason
        assert fire.items[0].coverage == "2 个月中 1 个逾期完成，1 个未到期"
        # The record side (assets.FireCheck) has no February check either: still overdue.
        assert fire.items[1].status == Status.OVERDUE and fire.status == Status.OVERDUE


def test_a_monthly_report_met_then_due_soon_then_overdue():
    since = at(2026, 1, 1)
    with time_machine.travel(at(2026, 1, 5, 9), tick=False):
        january = monthly_obligation("publishing.harmful_content_report", at(2026, 1, 10, 18))
        meet(january, by=UserFactory(), evidence="已报送")
    with time_machine.travel(at(2026, 1, 20, 9), tick=False):
        report = status_of("10.4", since=since)
        assert report.status == Status.MET and "1 个按期完成" in report.reason
    with time_machine.travel(at(2026, 2, 1, 9), tick=False):
        monthly_obligation("publishing.harmful_content_report", at(2026, 2, 10, 18))
    with time_machine.travel(at(2026, 2, 11, 9), tick=False):
        report = status_of("10.4", since=since)
        assert report.status == Status.OVERDUE and "2026-02-10" in report.reason
        # Evaluated as of a past moment, the obligation met later counts as open then.
        past = status_of("10.4", since=since, as_of=at(2026, 1, 4, 9))
        assert past.status == Status.NO_EVIDENCE


def test_per_event_reports_without_events_are_no_events_and_overdue_when_one_is_late():
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        assert status_of("3.4").status == Status.NO_EVENTS
        ObligationFactory(kind="incident.police", created_at=at(2026, 3, 1, 8), due_at=at(2026, 3, 2, 8))
    with time_machine.travel(at(2026, 3, 2, 7), tick=False):
        assert status_of("3.4").status == Status.DUE_SOON
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        assert status_of("3.4").status == Status.OVERDUE
        assert status_of("7.5").status == Status.OVERDUE  # the same report evidences 7 §5


def test_zone_suffixed_kinds_count_for_their_prefix():
    with time_machine.travel(at(2026, 5, 3, 9), tick=False):
        ObligationFactory(
            title="内网核查",
            kind="assets.reconciliation.intranet",
            created_at=at(2026, 4, 1),
            due_at=at(2026, 4, 30, 23),
        )
        ObligationFactory(
            title="其他核查",
            kind="assets.reconciliation_other",
            created_at=at(2026, 4, 1),
            due_at=at(2026, 4, 30, 23),
        )
        item = status_of("7.1", since=at(2026, 4, 1)).items[0]
        assert item.status == Status.OVERDUE and "内网核查" in item.reason and "其他核查" not in item.reason


# --- records ---------------------------------------------------------------------------------------

RECORD_CLAUSE = """
[[clauses]]
code = "1.1"
chapter = "1"
title = "每月记录"
text = "每月记录一次。"

[[clauses.evidence]]
kind = "records"
model = "obligations.Obligation"
date_field = "created_at"
filter = { kind = "test.record" }
frequency = "monthly"
label = "月度记录"
"""


def record(when):
    return ObligationFactory(kind="test.record", created_at=when, due_at=when + datetime.timedelta(days=1))


def test_monthly_records_judged_per_month(make_framework):
    framework = make_framework(RECORD_CLAUSE)
    since = at(2026, 2, 1)
    with time_machine.travel(at(2026, 4, 10, 9), tick=False):
        assert status_of("1.1", framework, since=since).status == Status.OVERDUE
        record(at(2026, 2, 15, 10))
        result = status_of("1.1", framework, since=since, with_refs=True)
        assert result.status == Status.OVERDUE
        assert "上一期（2026年3月）已结束" in result.reason
        assert result.refs[0].date == at(2026, 2, 15, 10) and result.refs[0].url.startswith("/obligations/")

        record(at(2026, 3, 31, 23, 30))  # local time: still March
        assert status_of("1.1", framework, since=since).status == Status.MET
    with time_machine.travel(at(2026, 4, 27, 9), tick=False):
        result = status_of("1.1", framework, since=since)
        assert result.status == Status.DUE_SOON and "2026-04-30" in result.reason
        record(at(2026, 4, 27, 8))
        assert status_of("1.1", framework, since=since).status == Status.MET
    with time_machine.travel(at(2026, 6, 2, 9), tick=False):
        # May passed without a record and June has one: a missed period is 未按期, named.
        record(at(2026, 6, 1, 9))
        result = status_of("1.1", framework, since=since)
        assert result.status == Status.LATE and "2026年5月未完成" in result.reason


def test_a_model_that_does_not_exist_gives_no_evidence_with_the_reason(make_framework):
    framework = make_framework(
        """
        [[clauses]]
        code = "1.1"
        chapter = "1"
        title = "培训"
        text = "定期培训。"

        [[clauses.evidence]]
        kind = "records"
        model = "audits.NoSuchTraining"
        date_field = "held_on"
        frequency = "yearly"

        [[clauses]]
        code = "1.2"
        chapter = "1"
        title = "季度评审"
        text = "每季度评审。"

        [[clauses.evidence]]
        kind = "quarterly_review_not_registered"
        """
    )
    result = status_of("1.1", framework)
    assert result.status == Status.NO_EVIDENCE and "audits.NoSuchTraining 尚未启用" in result.reason
    unknown = status_of("1.2", framework)
    assert unknown.status == Status.NO_EVIDENCE and "quarterly_review_not_registered" in unknown.reason


def test_a_registered_evidence_kind_plugs_in(make_framework):
    from szmz_security.compliance import evidence

    calls = []

    @evidence.register("test_review")
    def evaluate_reviews(items, ctx):
        calls.append(len(items))
        return {item.key: evidence.Result(Status.MET, "本季度评审已签核。") for item in items}

    try:
        framework = make_framework(
            """
            [[clauses]]
            code = "1.1"
            chapter = "1"
            title = "季度评审"
            text = "每季度评审。"

            [[clauses.evidence]]
            kind = "test_review"

            [[clauses]]
            code = "1.2"
            chapter = "1"
            title = "季度评审通报"
            text = "评审结果通报。"

            [[clauses.evidence]]
            kind = "test_review"
            """
        )
        assert status_of("1.1", framework).reason == "本季度评审已签核。"
        assert calls[-1] == 2  # called once with both clauses' items
    finally:
        evidence.EVIDENCE_KINDS.pop("test_review")


# --- not applicable, settings, roles ----------------------------------------------------------------


def test_not_applicable_shows_its_reason_and_officers_can_override(officer):
    assert status_of("11.1").status == Status.NOT_APPLICABLE
    assert status_of("11.1").reason == "施行日期条款，无需证据。"
    clause = Clause.objects.get(framework__code="szmz-2008", code="1.3")
    services.set_applicability(clause, by=officer, applicable=False, reason="本局无政务外网终端")
    result = status_of("1.3")
    assert result.status == Status.NOT_APPLICABLE and result.reason == "本局无政务外网终端（人工判定）"
    services.set_applicability(clause, by=officer, applicable=True, reason="已接入政务外网")
    assert status_of("1.3").status not in (Status.NOT_APPLICABLE, Status.MET)
    assert clause.applicability_override.history.count() == 2
    with pytest.raises(ValidationError):
        services.set_applicability(clause, by=officer, applicable=False, reason=" ")


def test_log_retention_setting_is_only_a_precondition(settings):
    from tests.audits.governance_factories import LogSourceFactory

    # The portal's own retention does not evidence the bureau's systems' logs.
    assert status_of("2.5").status == Status.NO_EVIDENCE
    assert status_of("21.3", "csl").status == Status.NO_EVIDENCE
    LogSourceFactory(system="政务服务系统", retention_days=200)
    assert status_of("2.5").status == Status.MET and status_of("21.3", "csl").status == Status.MET
    settings.AUDIT_RETENTION_DAYS = {"auth": 90, "access": 90, "export": 90, "system": 90}
    assert status_of("2.5").status == Status.MET
    law = status_of("21.3", "csl")
    assert law.status == Status.OVERDUE and "前提条件本平台审计日志保存期限" in law.reason
    assert [item.precondition for item in law.items] == [False, True]


def test_security_officer_roster_not_role_headcount(officer):
    from tests.audits.governance_factories import OfficerAppointmentFactory

    for n in range(3):
        UserFactory(username=f"officer{n}", roles=["security_officer"])
    # Four holders of the role are not a roster of 1 专职 + 3 兼职.
    result = status_of("2.1")
    assert result.status == Status.OVERDUE and "专职安全员 0 人" in result.reason
    OfficerAppointmentFactory(kind="full_time")
    OfficerAppointmentFactory.create_batch(3)
    assert status_of("2.1").status == Status.MET


# --- attestations ---------------------------------------------------------------------------------


def test_attestation_covers_one_period_only(officer):
    clause = Clause.objects.get(framework__code="szmz-2008", code="5.2")  # quarterly
    since = at(2026, 1, 1)
    with time_machine.travel(at(2026, 1, 5, 10), tick=False):
        assert status_of("5.2", since=since).status == Status.NO_EVIDENCE
        attestation = services.attest(clause, by=officer, note="机房巡查，见巡查记录 2026-01")
        assert attestation.valid_until == datetime.date(2026, 3, 31)  # the quarter, no longer
        result = status_of("5.2", since=since, with_refs=True)
        assert result.status == Status.MET and result.items[0].coverage == "1 个季度中 1 个按期完成"
        assert result.refs[0].title.endswith("机房巡查，见巡查记录 2026-01")
    with time_machine.travel(at(2026, 3, 25, 10), tick=False):
        assert status_of("5.2", since=since).status == Status.MET  # Q1 is met; nothing is due yet
    with time_machine.travel(at(2026, 4, 20, 10), tick=False):
        assert status_of("5.2", since=since).status == Status.MET  # Q2 not yet due
    with time_machine.travel(at(2026, 7, 2, 10), tick=False):
        result = status_of("5.2", since=since)
        assert result.status == Status.OVERDUE and "上一期（2026年第2季度）已结束" in result.reason
        services.attest(clause, by=officer, note="复查")
        result = status_of("5.2", since=since)
        assert result.status == Status.LATE and "2026年第2季度未完成" in result.reason


def test_attestation_rules(officer, staff):
    automatic = Clause.objects.get(framework__code="szmz-2008", code="5.7")
    with pytest.raises(ValidationError):
        services.attest(automatic, by=officer, note="x")
    manual = Clause.objects.get(framework__code="szmz-2008", code="5.2")
    with pytest.raises(PermissionDenied):
        services.attest(manual, by=staff, note="x")
    with pytest.raises(ValidationError) as error:
        services.attest(manual, by=officer, note="x", valid_until=datetime.date(2000, 1, 1))
    assert "valid_until" in error.value.message_dict
    with time_machine.travel(at(2026, 2, 1, 10), tick=False):
        with pytest.raises(ValidationError) as error:
            services.attest(manual, by=officer, note="x", valid_until=datetime.date(2029, 2, 1))
        assert "只覆盖本期（2026年第1季度）" in error.value.message_dict["valid_until"][0]


# --- queries --------------------------------------------------------------------------------------


def count_queries(user):
    user = type(user).objects.get(pk=user.pk)  # as a fresh request has it: no permission cache
    with CaptureQueriesContext(connection) as captured:
        services.evaluate(user=user, with_refs=True)
    return len(captured.captured_queries)


def test_evaluation_issues_a_constant_number_of_queries(officer, department):
    with time_machine.travel(at(2026, 6, 15, 9), tick=False):
        clause = Clause.objects.get(framework__code="szmz-2008", code="1.4")
        ObligationFactory(kind="machine_room.fire_check", department=department, due_at=at(2026, 6, 1))
        services.attest(clause, by=officer, note="一")
        count_queries(officer)  # warms the process-wide content-type cache
        few = count_queries(officer)
        for n in range(49):
            ObligationFactory(
                kind="machine_room.fire_check" if n % 2 else "incident.police",
                department=department,
                due_at=at(2026, 5, 1) + datetime.timedelta(days=n),
                restricted=n % 5 == 0,
            )
            services.attest(clause, by=officer, note=f"第{n}次")
        assert Obligation.objects.count() == 50
        assert count_queries(officer) == few
