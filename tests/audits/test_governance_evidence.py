"""Compliance evidence from the governance records: 5.4 (privileged accounts and their password
changes) and 7.2 (account reviews) in the bureau's framework, and the ``officer_roster`` /
``log_sources`` kinds the audits app registers."""

import datetime

import pytest
import time_machine

from audits.governance import evidence
from audits.governance import services as governance
from szmz_security.compliance import services
from szmz_security.compliance.evidence import Context, Item, Status
from szmz_security.compliance.models import Clause
from tests.audits.governance_factories import (
    LogSourceFactory,
    OfficerAppointmentFactory,
    PrivilegedAccountFactory,
)

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def status_of(code, since=None):
    evaluation = services.evaluate("szmz-2008", since=since)
    clause = Clause.objects.get(framework__code="szmz-2008", code=code)
    return evaluation.by_clause[clause.pk]


def test_5_4_overdue_privileged_password_turns_the_clause_red(officer):
    with time_machine.travel(datetime.datetime(2026, 5, 10, 9, 0, tzinfo=TZ), tick=False):
        account = PrivilegedAccountFactory(approved_on=datetime.date(2026, 5, 1), password_interval_days=30)
        governance.record_password_change(account, changed_on=datetime.date(2026, 5, 10), by=officer)
        # Judged from the quarter the records start in: earlier quarters without a change would
        # be missed periods.
        result = status_of("5.4", since=datetime.datetime(2026, 4, 1, tzinfo=TZ))
        assert result.status == Status.MET, result.reason
    with time_machine.travel(datetime.datetime(2026, 6, 20, 9, 0, tzinfo=TZ), tick=False):
        result = status_of("5.4")
        assert result.status == Status.OVERDUE and "密码逾期" in result.reason


def test_7_2_open_account_review_past_its_deadline_is_overdue(
    officer, staff, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=TZ), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        staff.is_active = False
        staff.save()
    with time_machine.travel(datetime.datetime(2026, 12, 10, 10, 0, tzinfo=TZ), tick=False):
        assert status_of("7.2").status == Status.OVERDUE


def evaluate(fn, spec):
    item = Item(key=("x", 0), spec=spec, clause=None)
    now = datetime.datetime.now(TZ)
    return fn([item], Context(as_of=now, since=now - datetime.timedelta(days=365)))[("x", 0)]


def test_roster_and_log_source_kinds(officer):
    assert evaluate(evidence.evaluate_officer_roster, {}).status == Status.OVERDUE
    OfficerAppointmentFactory(kind="full_time")
    OfficerAppointmentFactory.create_batch(3)
    assert evaluate(evidence.evaluate_officer_roster, {}).status == Status.MET
    assert evaluate(evidence.evaluate_log_sources, {"min": 60}).status == Status.NO_EVIDENCE
    LogSourceFactory(retention_days=180)
    assert evaluate(evidence.evaluate_log_sources, {"min": 60}).status == Status.MET
    LogSourceFactory(retention_days=180, last_verified_on=None)
    assert evaluate(evidence.evaluate_log_sources, {"min": 60}).status == Status.DUE_SOON
