"""What an inspector found, one record changed at a time (issue “Truth”): each finding is a test
named after it, on travelled time, through ``services.evaluate`` as the dashboard reads it."""

import datetime
import importlib
import zoneinfo

import pytest
import time_machine
from django.apps import apps

from assets.models import BackupRecord
from publishing.models import ApprovalStep, Publication
from szmz_security.compliance import services
from szmz_security.compliance.evidence import Status
from szmz_security.compliance.models import Attestation, Clause
from szmz_security.obligations.services import meet
from tests.assets.factories import AssetFactory, MachineRoomFactory
from tests.audits.governance_factories import (
    LogSourceFactory,
    OfficerAppointmentFactory,
)
from tests.factories import DepartmentFactory, IncidentFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 7, 10, 14, tzinfo=TZ)
YEAR = datetime.datetime(2026, 1, 1, tzinfo=TZ)


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def statuses(*codes, since=YEAR):
    """{(framework, code): ClauseStatus} for ``("szmz-2008", "3.5")``-style codes, evaluated now."""
    evaluation = services.evaluate(since=since)
    wanted = {}
    for framework, code in codes:
        clause = Clause.objects.get(framework__code=framework, code=code)
        wanted[(framework, code)] = evaluation.by_clause[clause.pk]
    return wanted


def test_a_missed_deadline_does_not_turn_green():
    """A leak reported to the secrecy bureau 2 hours after its 24-hour deadline: 3 §5 and the 保密法
    leak-report clause are 未按期, naming it; the same for a police report (3 §4)."""
    with time_machine.travel(NOW, tick=False):
        for kind, title in (
            ("incident.secrecy", "泄密事件报告保密局"),
            ("incident.police", "案件报告公安机关"),
        ):
            obligation = ObligationFactory(
                kind=kind, title=title, created_at=at(2026, 11, 1, 9), due_at=at(2026, 11, 2, 9)
            )
            with time_machine.travel(at(2026, 11, 2, 11), tick=False):
                meet(obligation, by=UserFactory(), evidence="已报告")
        found = statuses(("szmz-2008", "3.5"), ("secrets-2024", "leak-report"), ("szmz-2008", "3.4"))
    for result in found.values():
        assert result.status == Status.LATE, result.reason
        assert "逾期完成" in result.reason
    assert "泄密事件报告保密局" in found[("szmz-2008", "3.5")].reason
    assert "案件报告公安机关" in found[("szmz-2008", "3.4")].reason


def test_a_pending_obligation_does_not_count_as_met():
    """A year with only its Q4 review pending, a yearly account review and a medium's return not
    yet due: 4 §3, 7 §2 and 6 §4 are not met."""
    with time_machine.travel(NOW, tick=False):
        ObligationFactory(
            kind="audits.quarterly_review", created_at=at(2026, 10, 1), due_at=at(2026, 12, 31, 23, 59)
        )
        ObligationFactory(
            kind="audits.account_review.yearly", created_at=at(2026, 11, 1), due_at=at(2026, 12, 31, 23, 59)
        )
        ObligationFactory(kind="media.return", created_at=at(2026, 12, 1), due_at=at(2026, 12, 20, 18))
        found = statuses(("szmz-2008", "4.3"), ("szmz-2008", "7.2"), ("szmz-2008", "6.4"))
    review = found[("szmz-2008", "4.3")]
    assert review.status == Status.OVERDUE  # Q3 ended without a review, Q4 not yet done
    assert review.items[0].coverage == "4 个季度中 3 个未完成，1 个未到期"
    assert "2026年第1季度、2026年第2季度、2026年第3季度未完成" in review.reason
    for key in (("szmz-2008", "7.2"), ("szmz-2008", "6.4")):
        assert found[key].status != Status.MET, found[key].reason


def test_missed_periods_are_not_ignored():
    """Daily backups with days missing (2 §4, 8 §3) and a month without an IP/MAC reconciliation
    (7 §1) are 未按期, the missing periods named."""
    room = MachineRoomFactory()
    officer = UserFactory()
    with time_machine.travel(NOW, tick=False):
        day = datetime.date(2026, 11, 1)
        while day < NOW.date():
            if day not in (datetime.date(2026, 11, 10), datetime.date(2026, 11, 11)):
                BackupRecord.objects.create(
                    room=room, date=day, systems="业务库", medium="磁带", performed_by=officer
                )
            day += datetime.timedelta(days=1)
        for month in (9, 11):
            due = at(2026, month + 1, 1) - datetime.timedelta(seconds=1)
            obligation = ObligationFactory(
                kind="assets.reconciliation.intranet", created_at=at(2026, month, 1), due_at=due
            )
            with time_machine.travel(due - datetime.timedelta(days=1), tick=False):
                meet(obligation, by=officer, evidence="已核查")
        found = statuses(
            ("szmz-2008", "2.4"), ("szmz-2008", "8.3"), ("szmz-2008", "7.1"), since=at(2026, 11, 1)
        )
        reconciliation = services.evaluate("szmz-2008", since=at(2026, 9, 1)).by_clause[
            Clause.objects.get(framework__code="szmz-2008", code="7.1").pk
        ]
    for key in (("szmz-2008", "2.4"), ("szmz-2008", "8.3")):
        result = found[key]
        assert result.status == Status.LATE, result.reason
        assert "2026-11-10、2026-11-11未完成" in result.reason
    obligation_item = reconciliation.items[0]
    assert obligation_item.status == Status.LATE and "2026年10月未完成" in obligation_item.reason


def test_one_attestation_does_not_cover_a_quarterly_check_for_three_years():
    """An attestation recorded with a three-year validity covers its quarter only — in the rules
    and, cut by the data migration, in the record itself (5 §2, 5 §8, 8 §4)."""
    officer = UserFactory(roles=["security_officer"])
    codes = ("5.2", "5.8", "8.4")
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        for code in codes:
            Attestation.objects.create(
                clause=Clause.objects.get(framework__code="szmz-2008", code=code),
                by=officer,
                note="季度巡查",
                at=at(2026, 1, 10, 9),
                valid_until=datetime.date(2029, 1, 10),
            )
    with time_machine.travel(at(2026, 4, 20, 9), tick=False):
        found = statuses(*(("szmz-2008", code) for code in codes))
        assert all(r.status == Status.MET for r in found.values())  # Q1 done; Q2 not yet due
    with time_machine.travel(at(2026, 7, 20, 9), tick=False):
        found = statuses(*(("szmz-2008", code) for code in codes))
        for result in found.values():
            assert result.status == Status.OVERDUE and "2026年第2季度" in result.reason

    migration = importlib.import_module(
        "szmz_security.compliance.migrations.0003_cut_attestations_to_one_period"
    )
    migration.cut(apps, None)
    assert set(Attestation.objects.values_list("valid_until", flat=True)) == {datetime.date(2026, 3, 31)}
    latest = Attestation.history.filter(history_type="~").first()
    assert latest.history_change_reason.startswith("有效期截至确认当期")


def test_settings_do_not_stand_in_for_records():
    """AUDIT_RETENTION_DAYS does not evidence the bureau's systems' logs (2 §5, 8 §1, 网络安全法
    21(3), 等保 audit clauses), nor the password policy staff changing their passwords (6 §8)."""
    codes = (
        ("szmz-2008", "2.5"),
        ("szmz-2008", "8.1"),
        ("csl", "21.3"),
        ("mlps-l3", "8.1.4.3a"),
        ("mlps-l3", "8.1.4.3b"),
        ("szmz-2008", "6.8"),
    )
    with time_machine.travel(NOW, tick=False):
        found = statuses(*codes)
        assert all(r.status != Status.MET for r in found.values())
        assert any(
            item.precondition and item.status == Status.MET for item in found[("szmz-2008", "6.8")].items
        )
        LogSourceFactory(system="政务服务系统", retention_days=365, last_verified_on=NOW.date())
        found = statuses(*codes[:5])
        assert all(r.status == Status.MET for r in found.values()), [r.reason for r in found.values()]
        law = Clause.objects.get(framework__code="csl", code="21.3")
        assert law.code_on(NOW) == "23(3)" and law.code_on(at(2025, 6, 1)) == "21(3)"


def test_nothing_happened_reads_no_events_not_met():
    """No event required a report: the CAC initial/summary clauses and PIPL 57 are 本期无事件."""
    with time_machine.travel(NOW, tick=False):
        found = statuses(("cac-2025", "initial"), ("cac-2025", "summary"), ("pipl", "57"))
    for result in found.values():
        assert result.status == Status.NO_EVENTS and result.status.label == "本期无事件"


def test_evaluators_written_are_used():
    """The roster (2 §1), the asset register (6 §2, 6 §3, 6 §6, 6 §11, 保密法), the disconnect flag
    (3 §2, 7 §5), the approval chain (10 §1) and training (9 §1, 9 §2) evidence their clauses."""
    with time_machine.travel(NOW, tick=False):
        OfficerAppointmentFactory(kind="full_time", appointed_on=datetime.date(2025, 1, 1))
        for _ in range(3):
            AssetFactory(antivirus_updated_on=NOW.date() - datetime.timedelta(days=40))
        AssetFactory(
            secrecy="secret", zone="gov_intranet", wireless_removed=False, antivirus_updated_on=NOW.date()
        )
        IncidentFactory(
            title="门户网站遭攻击",
            category="attack",
            discovered_at=at(2026, 11, 3, 9),
            network_disconnected=False,
        )
        author = UserFactory()
        publication = Publication.objects.create(
            title="未经审定的通知",
            body="正文",
            author=author,
            department=DepartmentFactory(code="BGS", name="办公室"),
            state="published",
            published_at=at(2026, 11, 5, 12),
        )
        ApprovalStep.objects.create(
            publication=publication,
            from_state="head_review",
            to_state="info_review",
            action="approve",
            comment="同意",
            user=author,
            at=at(2026, 11, 5, 9),
        )
        found = statuses(
            ("szmz-2008", "2.1"),
            ("szmz-2008", "6.2"),
            ("szmz-2008", "6.3"),
            ("szmz-2008", "6.6"),
            ("szmz-2008", "6.11"),
            ("secrets-2024", "no-internet"),
            ("szmz-2008", "3.2"),
            ("szmz-2008", "7.5"),
            ("szmz-2008", "10.1"),
            ("szmz-2008", "9.1"),
        )
    assert "兼职安全员 0 人" in found[("szmz-2008", "2.1")].reason
    antivirus = found[("szmz-2008", "6.11")]
    assert antivirus.status == Status.OVERDUE and "3 项不符合" in antivirus.reason
    for code in ("6.2", "6.3", "6.6"):
        assert found[("szmz-2008", code)].status == Status.OVERDUE
    assert found[("secrets-2024", "no-internet")].status == Status.OVERDUE
    for code in ("3.2", "7.5"):
        result = found[("szmz-2008", code)]
        assert result.status == Status.OVERDUE and "门户网站遭攻击" in result.reason
    approval = found[("szmz-2008", "10.1")]
    assert approval.status == Status.OVERDUE and "未经审定的通知（缺信息员审核）" in approval.reason
    training = found[("szmz-2008", "9.1")]
    assert training.status != Status.MET and "本年尚未参加培训" in training.reason
