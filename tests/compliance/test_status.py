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


def test_an_overdue_monthly_fire_check_turns_5_7_overdue():
    with time_machine.travel(at(2026, 2, 1, 9), tick=False):
        obligation = monthly_obligation("machine_room.fire_check", at(2026, 2, 28, 23, 59))
    with time_machine.travel(at(2026, 2, 10, 9), tick=False):
        fire = status_of("5.7")
        assert fire.items[0].status == Status.MET  # open, not yet due soon
    with time_machine.travel(at(2026, 2, 24, 9), tick=False):
        assert status_of("5.7").items[0].status == Status.DUE_SOON
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        fire = status_of("5.7")
        assert fire.status == Status.OVERDUE
        assert fire.items[0].status == Status.OVERDUE
        assert "1 项已逾期未完成" in fire.items[0].reason and "2026-02-28" in fire.items[0].reason
        chapter = services.evaluate("szmz-2008").chapter("szmz-2008", "5")
        assert chapter.counts[Status.OVERDUE] >= 1

        meet(obligation, by=UserFactory(), evidence="已检查 4 具灭火器")
        fire = status_of("5.7")
        assert fire.items[0].status == Status.MET
        assert "1 项逾期完成" in fire.items[0].reason
        # The record side (assets.FireCheck) still has nothing: the clause is not met yet.
        assert fire.status == Status.NO_EVIDENCE


def test_a_monthly_report_met_then_due_soon_then_overdue():
    with time_machine.travel(at(2026, 1, 5, 9), tick=False):
        january = monthly_obligation("publishing.harmful_content_report", at(2026, 1, 10, 18))
        meet(january, by=UserFactory(), evidence="已报送")
    with time_machine.travel(at(2026, 1, 20, 9), tick=False):
        report = status_of("10.4")
        assert report.status == Status.MET and "1 项已完成" in report.reason
    with time_machine.travel(at(2026, 2, 1, 9), tick=False):
        monthly_obligation("publishing.harmful_content_report", at(2026, 2, 10, 18))
    with time_machine.travel(at(2026, 2, 6, 9), tick=False):
        report = status_of("10.4")
        assert report.status == Status.DUE_SOON and "2026-02-10" in report.reason
    with time_machine.travel(at(2026, 2, 11, 9), tick=False):
        assert status_of("10.4").status == Status.OVERDUE
        # Evaluated as of a past moment, the obligation met later counts as open then.
        assert status_of("10.4", as_of=at(2026, 1, 4, 9)).status == Status.DUE_SOON


def test_per_event_reports_are_met_without_events_and_overdue_when_one_is_late():
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        assert status_of("3.4").status == Status.MET
        ObligationFactory(kind="incident.police", created_at=at(2026, 3, 1, 8), due_at=at(2026, 3, 2, 8))
    with time_machine.travel(at(2026, 3, 2, 7), tick=False):
        assert status_of("3.4").status == Status.DUE_SOON
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        assert status_of("3.4").status == Status.OVERDUE
        assert status_of("7.5").status == Status.OVERDUE  # the same report evidences 7 §5


def test_zone_suffixed_kinds_count_for_their_prefix():
    with time_machine.travel(at(2026, 5, 3, 9), tick=False):
        ObligationFactory(
            kind="assets.reconciliation.intranet", created_at=at(2026, 4, 1), due_at=at(2026, 4, 30, 23)
        )
        ObligationFactory(
            kind="assets.reconciliation_other", created_at=at(2026, 4, 1), due_at=at(2026, 4, 30, 23)
        )
        item = status_of("7.1").items[0]
        assert item.status == Status.OVERDUE and item.reason.startswith("1 项")


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


def test_monthly_records_overdue_when_last_month_passed_without_one(make_framework):
    framework = make_framework(RECORD_CLAUSE)
    with time_machine.travel(at(2026, 4, 10, 9), tick=False):
        assert status_of("1.1", framework).status == Status.NO_EVIDENCE
        record(at(2026, 2, 15, 10))
        result = status_of("1.1", framework, with_refs=True)
        assert result.status == Status.OVERDUE
        assert "上一期（2026年3月）已结束" in result.reason and "缺 1 期" in result.reason
        assert result.refs[0].date == at(2026, 2, 15, 10) and result.refs[0].url.startswith("/obligations/")

        record(at(2026, 3, 31, 23, 30))  # local time: still March
        assert status_of("1.1", framework).status == Status.MET
    with time_machine.travel(at(2026, 4, 27, 9), tick=False):
        result = status_of("1.1", framework)
        assert result.status == Status.DUE_SOON and "2026-04-30" in result.reason
        record(at(2026, 4, 27, 8))
        assert status_of("1.1", framework).status == Status.MET


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
    assert status_of("1.3").status == Status.NO_EVIDENCE
    assert clause.applicability_override.history.count() == 2
    with pytest.raises(ValidationError):
        services.set_applicability(clause, by=officer, applicable=False, reason=" ")


def test_log_retention_below_the_floor_is_overdue(settings):
    assert status_of("2.5").status == Status.MET
    assert status_of("21.3", "csl").status == Status.MET
    settings.AUDIT_RETENTION_DAYS = {"auth": 90, "access": 90, "export": 90, "system": 90}
    assert status_of("2.5").status == Status.MET
    law = status_of("21.3", "csl")
    assert law.status == Status.OVERDUE and "低于要求的 180" in law.reason


def test_security_officer_shortfall_is_flagged(officer):
    result = status_of("2.1")
    assert result.status == Status.OVERDUE and "1 人" in result.reason
    for n in range(3):
        UserFactory(username=f"officer{n}", roles=["security_officer"])
    assert status_of("2.1").status == Status.MET


# --- attestations ---------------------------------------------------------------------------------


def test_attestation_is_met_then_due_soon_then_expired(officer):
    clause = Clause.objects.get(framework__code="szmz-2008", code="1.4")
    assert status_of("1.4").status == Status.NO_EVIDENCE
    with time_machine.travel(at(2026, 1, 5, 10), tick=False):
        attestation = services.attest(clause, by=officer, note="已配合公安机关年度检查，见检查记录 2026-01")
        assert attestation.valid_until == datetime.date(2027, 1, 5)  # yearly clause
        result = status_of("1.4", with_refs=True)
        assert result.status == Status.MET and "有效期至 2027-01-05" in result.reason
        assert result.refs[0].title.endswith("已配合公安机关年度检查，见检查记录 2026-01")
    with time_machine.travel(at(2026, 12, 20, 10), tick=False):
        assert status_of("1.4").status == Status.DUE_SOON
    with time_machine.travel(at(2027, 1, 6, 10), tick=False):
        result = status_of("1.4")
        assert result.status == Status.OVERDUE and "已于 2027-01-05 过期" in result.reason
        services.attest(clause, by=officer, note="复查")
        assert status_of("1.4").status == Status.MET


def test_attestation_rules(officer, staff):
    automatic = Clause.objects.get(framework__code="szmz-2008", code="5.7")
    with pytest.raises(ValidationError):
        services.attest(automatic, by=officer, note="x")
    manual = Clause.objects.get(framework__code="szmz-2008", code="1.4")
    with pytest.raises(PermissionDenied):
        services.attest(manual, by=staff, note="x")
    with pytest.raises(ValidationError) as error:
        services.attest(manual, by=officer, note="x", valid_until=datetime.date(2000, 1, 1))
    assert "valid_until" in error.value.message_dict


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
