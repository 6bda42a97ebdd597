"""Every evidence kind, on travelled time: for each, the scenarios of records it can meet (on time,
late, a missing period, pending, none, attested…) and the status each must give. A kind that is
registered without rows here fails ``test_every_registered_kind_has_scenarios``."""

import datetime
import zoneinfo

import pytest
import time_machine

from audits.models import Attendance
from publishing.models import ApprovalStep, Publication
from szmz_security.compliance import evidence, services
from szmz_security.compliance.evidence import Context, Item, Status
from szmz_security.compliance.models import Attestation, Clause
from szmz_security.obligations.services import meet
from tests.assets.factories import AssetFactory
from tests.audits.governance_factories import (
    LogSourceFactory,
    OfficerAppointmentFactory,
    PrivilegedAccountFactory,
    TrainingSessionFactory,
)
from tests.factories import IncidentFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=TZ)  # in 2026 Q2, June not yet ended
JAN = datetime.datetime(2026, 1, 1, tzinfo=TZ)


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def month_end(month):
    return at(2026, month + 1, 1) - datetime.timedelta(seconds=1) if month < 12 else at(2026, 12, 31, 23, 59)


# --- scenario builders: each creates records and returns the item spec (and clause) ------------------


def monthly_obligations(late=(), missing=(), open_=()):
    """One monthly obligation per month January–June, met on time unless named."""
    for month in range(1, 7):
        if month in missing:
            continue
        ob = ObligationFactory(kind="test.monthly", created_at=at(2026, month, 1), due_at=month_end(month))
        if month in open_ or month == 6:
            continue
        when = (
            month_end(month) + datetime.timedelta(days=2)
            if month in late
            else month_end(month) - datetime.timedelta(days=3)
        )
        with time_machine.travel(when, tick=False):
            meet(ob, by=UserFactory(), evidence="已完成")
    return {"kind": "obligation", "kinds": ["test.monthly"], "frequency": "monthly"}


def police_reports(*outcomes):
    """incident.police obligations due 2026-06-01 08:00 ... met (on_time/late), open or pending."""
    for index, outcome in enumerate(outcomes):
        due = at(2026, 6, 1 + index, 8) if outcome != "pending" else at(2026, 6, 16, 8)
        ob = ObligationFactory(
            kind="incident.police", created_at=due - datetime.timedelta(hours=24), due_at=due
        )
        if outcome in ("on_time", "late"):
            when = due + datetime.timedelta(hours=2 if outcome == "late" else -2)
            with time_machine.travel(when, tick=False):
                meet(ob, by=UserFactory(), evidence="已报告")
    return {"kind": "obligation", "kinds": ["incident.police"], "frequency": "per_event"}


def scans(*months):
    from tests.audits.governance_factories import SecurityScanFactory

    for month in months:
        SecurityScanFactory(scanned_on=datetime.date(2026, month, 10))
    return {
        "kind": "records",
        "model": "audits.SecurityScan",
        "date_field": "scanned_on",
        "frequency": "monthly",
    }


def fire_checks(late=(), missing=()):
    """Monthly fire checks January–May, each done in its month unless late (done on the 3rd of
    the next month) or missing."""
    from assets.models import FireCheck
    from tests.assets.factories import MachineRoomFactory

    room, officer = MachineRoomFactory(), UserFactory()
    for month in range(1, 6):
        if month in missing:
            continue
        checked = datetime.date(2026, month + 1, 3) if month in late else datetime.date(2026, month, 20)
        FireCheck.objects.create(
            room=room, month=datetime.date(2026, month, 1), checked_on=checked, checked_by=officer
        )
    return {
        "kind": "records",
        "model": "assets.FireCheck",
        "date_field": "month",
        "done_field": "checked_on",
        "frequency": "monthly",
    }


def room_changes(n):
    for _ in range(n):
        IncidentFactory(discovered_at=at(2026, 3, 1))
    return {
        "kind": "records",
        "model": "incidents.Incident",
        "date_field": "discovered_at",
        "frequency": "per_event",
    }


def attestations(*days, valid_years=0):
    clause = Clause.objects.get(framework__code="szmz-2008", code="5.2")  # quarterly 机房巡查确认
    officer = UserFactory(roles=["security_officer"])
    for day in days:
        valid_until = (
            day.replace(year=day.year + valid_years) if valid_years else day + datetime.timedelta(days=1)
        )
        Attestation.objects.create(
            clause=clause,
            by=officer,
            note="巡查",
            at=at(day.year, day.month, day.day, 9),
            valid_until=valid_until,
        )
    return {"kind": "attestation", "frequency": "quarterly"}, clause


def setting(days):
    def build(settings):
        settings.AUDIT_RETENTION_DAYS = {"auth": days, "access": 365}
        return {"kind": "setting", "setting": "AUDIT_RETENTION_DAYS", "min": 180}

    return build


def role_holders(n):
    for index in range(n):
        UserFactory(username=f"so{index}", roles=["security_officer"])
    return {"kind": "role_headcount", "role": "security_officer", "min": 4}


def roster(full_time, part_time):
    OfficerAppointmentFactory.create_batch(
        full_time, kind="full_time", appointed_on=datetime.date(2025, 1, 1)
    )
    OfficerAppointmentFactory.create_batch(part_time, appointed_on=datetime.date(2025, 1, 1))
    return {"kind": "officer_roster"}


def log_sources(*retentions, verified=True):
    for days in retentions:
        LogSourceFactory(
            retention_days=days, last_verified_on=datetime.date(2026, 6, 1) if verified else None
        )
    return {"kind": "log_sources", "min": 180}


def privileged(approved_on):
    """An account approved (its password set) on ``approved_on``, to be changed every 90 days."""
    if approved_on:
        PrivilegedAccountFactory(approved_on=approved_on, password_interval_days=90)
    return {"kind": "privileged_passwords"}


def officer_training(trained_years):
    appointment = OfficerAppointmentFactory(kind="full_time", appointed_on=datetime.date(2024, 1, 1))
    for year in trained_years:
        session = TrainingSessionFactory(held_on=datetime.date(year, 3, 1))
        Attendance.objects.create(session=session, user=appointment.person)
    return {"kind": "officer_training"}


def staff_training(trained):
    """Two members of staff since 2024; ``trained``: {year: how many of them attended}."""
    with time_machine.travel(at(2024, 1, 1), tick=False):
        people = [UserFactory(username="staff-a"), UserFactory(username="staff-b")]
    for year, count in trained.items():
        session = TrainingSessionFactory(held_on=datetime.date(year, 4, 1), audience="全体干部职工")
        for person in people[:count]:
            Attendance.objects.create(session=session, user=person)
    return {"kind": "staff_training"}


def antivirus(*ages):
    for age in ages:
        AssetFactory(antivirus_updated_on=NOW.date() - datetime.timedelta(days=age))
    return {"kind": "asset_register", "rule": "antivirus"}


def attacks(*hours):
    """Network-attack incidents discovered 2026-05-01 10:00, disconnected after ``hours`` (None: never)."""
    for delay in hours:
        discovered = at(2026, 5, 1, 10)
        IncidentFactory(
            category="attack",
            discovered_at=discovered,
            network_disconnected=delay is not None,
            disconnected_at=discovered + datetime.timedelta(hours=delay) if delay is not None else None,
        )
    return {"kind": "incident_disconnect", "categories": ["attack"], "within_hours": 2}


def publications(*chains):
    """Publications published 2026-05-10, each approved at the listed review stages."""
    author = UserFactory()
    for chain in chains:
        publication = Publication.objects.create(
            title="通知",
            body="正文",
            author=author,
            department=author_department(),
            state="published",
            published_at=at(2026, 5, 10, 12),
        )
        for stage in chain:
            ApprovalStep.objects.create(
                publication=publication,
                from_state=stage,
                to_state="ready",
                action="approve",
                comment="同意",
                user=author,
                at=at(2026, 5, 10, 9),
            )
    return {"kind": "publication_approval"}


def author_department():
    from tests.factories import DepartmentFactory

    return DepartmentFactory(code="BGS", name="办公室")


FULL_CHAIN = ("head_review", "info_review")

# (kind, scenario, builder, window start, expected status)
SCENARIOS = [
    ("obligation", "monthly on time", lambda s: monthly_obligations(), JAN, Status.MET),
    ("obligation", "monthly late", lambda s: monthly_obligations(late=(3,)), JAN, Status.LATE),
    ("obligation", "monthly missing period", lambda s: monthly_obligations(missing=(2,)), JAN, Status.LATE),
    (
        "obligation",
        "monthly open past deadline",
        lambda s: monthly_obligations(open_=(5,)),
        JAN,
        Status.OVERDUE,
    ),
    (
        "obligation",
        "monthly pending only",
        lambda s: monthly_obligations(),
        at(2026, 6, 1),
        Status.NO_EVIDENCE,
    ),
    (
        "obligation",
        "monthly none",
        lambda s: {"kind": "obligation", "kinds": ["test.none"], "frequency": "monthly"},
        JAN,
        Status.OVERDUE,
    ),
    ("obligation", "per event on time", lambda s: police_reports("on_time", "on_time"), JAN, Status.MET),
    ("obligation", "per event late", lambda s: police_reports("on_time", "late"), JAN, Status.LATE),
    ("obligation", "per event open past deadline", lambda s: police_reports("open"), JAN, Status.OVERDUE),
    ("obligation", "per event pending", lambda s: police_reports("pending"), JAN, Status.DUE_SOON),
    ("obligation", "per event none", lambda s: police_reports(), JAN, Status.NO_EVENTS),
    ("records", "monthly on time", lambda s: scans(1, 2, 3, 4, 5), JAN, Status.MET),
    ("records", "monthly missing period", lambda s: scans(1, 3, 4, 5), JAN, Status.LATE),
    ("records", "monthly last period missing", lambda s: scans(1, 2, 3, 4), JAN, Status.OVERDUE),
    ("records", "monthly pending", lambda s: scans(), at(2026, 6, 1), Status.NO_EVIDENCE),
    ("records", "monthly none", lambda s: scans(), JAN, Status.OVERDUE),
    ("records", "done in each month", lambda s: fire_checks(), JAN, Status.MET),
    ("records", "one month done late", lambda s: fire_checks(late=(2,)), JAN, Status.LATE),
    ("records", "one month missing", lambda s: fire_checks(missing=(3,)), JAN, Status.LATE),
    ("records", "per event some", lambda s: room_changes(2), JAN, Status.MET),
    ("records", "per event none", lambda s: room_changes(0), JAN, Status.NO_EVENTS),
    (
        "attestation",
        "attested every quarter",
        lambda s: attestations(datetime.date(2026, 2, 1), datetime.date(2026, 4, 2)),
        JAN,
        Status.MET,
    ),
    (
        "attestation",
        "attested, current quarter pending",
        lambda s: attestations(datetime.date(2026, 2, 1)),
        JAN,
        Status.MET,
    ),
    ("attestation", "missing quarter", lambda s: attestations(datetime.date(2026, 4, 2)), JAN, Status.LATE),
    (
        "attestation",
        "three-year attestation covers one quarter only",
        lambda s: attestations(datetime.date(2025, 12, 1), valid_years=3),
        JAN,
        Status.OVERDUE,
    ),
    ("attestation", "none", lambda s: attestations(), JAN, Status.OVERDUE),
    ("setting", "at the floor", setting(180), JAN, Status.MET),
    ("setting", "below the floor", setting(90), JAN, Status.OVERDUE),
    ("role_headcount", "enough", lambda s: role_holders(4), JAN, Status.MET),
    ("role_headcount", "short", lambda s: role_holders(2), JAN, Status.OVERDUE),
    ("password_policy", "configured", lambda s: {"kind": "password_policy"}, JAN, Status.MET),
    ("audit_log_fields", "the portal's audit log", lambda s: {"kind": "audit_log_fields"}, JAN, Status.MET),
    ("officer_roster", "1 full-time, 3 part-time", lambda s: roster(1, 3), JAN, Status.MET),
    ("officer_roster", "no full-time officer", lambda s: roster(0, 4), JAN, Status.OVERDUE),
    ("log_sources", "kept and verified", lambda s: log_sources(180, 365), JAN, Status.MET),
    ("log_sources", "one kept too short", lambda s: log_sources(180, 30), JAN, Status.OVERDUE),
    ("log_sources", "never verified", lambda s: log_sources(180, verified=False), JAN, Status.DUE_SOON),
    ("log_sources", "none", lambda s: log_sources(), JAN, Status.NO_EVIDENCE),
    (
        "privileged_passwords",
        "changed on time",
        lambda s: privileged(datetime.date(2026, 6, 1)),
        JAN,
        Status.MET,
    ),
    (
        "privileged_passwords",
        "password overdue",
        lambda s: privileged(datetime.date(2026, 1, 1)),
        JAN,
        Status.OVERDUE,
    ),
    ("privileged_passwords", "none", lambda s: privileged(None), JAN, Status.NO_EVIDENCE),
    (
        "officer_training",
        "trained every year",
        lambda s: officer_training([2025, 2026]),
        at(2025, 1, 1),
        Status.MET,
    ),
    ("officer_training", "missing year", lambda s: officer_training([2026]), at(2025, 1, 1), Status.LATE),
    (
        "officer_training",
        "last year missing, this year pending",
        lambda s: officer_training([]),
        at(2025, 1, 1),
        Status.OVERDUE,
    ),
    ("officer_training", "pending", lambda s: officer_training([]), JAN, Status.NO_EVIDENCE),
    (
        "staff_training",
        "everyone trained",
        lambda s: staff_training({2025: 2, 2026: 2}),
        at(2025, 1, 1),
        Status.MET,
    ),
    (
        "staff_training",
        "one missed last year",
        lambda s: staff_training({2025: 1, 2026: 2}),
        at(2025, 1, 1),
        Status.LATE,
    ),
    (
        "staff_training",
        "this year pending",
        lambda s: staff_training({2025: 2, 2026: 1}),
        at(2025, 1, 1),
        Status.MET,
    ),
    ("asset_register", "signatures fresh", lambda s: antivirus(3, 10), JAN, Status.MET),
    ("asset_register", "signatures stale", lambda s: antivirus(3, 45), JAN, Status.OVERDUE),
    ("asset_register", "no computers", lambda s: antivirus(), JAN, Status.NO_EVIDENCE),
    ("incident_disconnect", "disconnected at once", lambda s: attacks(1), JAN, Status.MET),
    ("incident_disconnect", "disconnected late", lambda s: attacks(1, 5), JAN, Status.LATE),
    ("incident_disconnect", "never disconnected", lambda s: attacks(None), JAN, Status.OVERDUE),
    ("incident_disconnect", "none", lambda s: attacks(), JAN, Status.NO_EVENTS),
    ("publication_approval", "full chain", lambda s: publications(FULL_CHAIN), JAN, Status.MET),
    (
        "publication_approval",
        "published without the information officer",
        lambda s: publications(FULL_CHAIN, ("head_review",)),
        JAN,
        Status.OVERDUE,
    ),
    ("publication_approval", "none", lambda s: publications(), JAN, Status.NO_EVENTS),
]


@pytest.mark.parametrize(
    ("kind", "scenario", "build", "since", "expected"),
    SCENARIOS,
    ids=[f"{kind}: {scenario}" for kind, scenario, *_ in SCENARIOS],
)
def test_evidence_kind_scenario(kind, scenario, build, since, expected, settings):
    with time_machine.travel(NOW, tick=False):
        built = build(settings)
    spec, clause = built if isinstance(built, tuple) else (built, None)
    assert spec["kind"] == kind
    with time_machine.travel(NOW, tick=False):
        item = Item(key=(clause.pk if clause else 0, 0), spec=spec, clause=clause)
        result = evidence.evaluate_items([item], Context(as_of=NOW, since=since))[item.key]
    assert result.status == expected, result.reason
    if expected in (Status.LATE, Status.OVERDUE):
        assert result.reason  # the late / missing periods or events are named


def test_every_registered_kind_has_scenarios():
    assert {row[0] for row in SCENARIOS} == set(evidence.EVIDENCE_KINDS)


def test_coverage_names_each_period():
    with time_machine.travel(NOW, tick=False):
        spec = monthly_obligations(late=(3,), missing=(2,))
        item = Item(key=(0, 0), spec=spec, clause=None)
        result = evidence.evaluate_items([item], Context(as_of=NOW, since=JAN))[item.key]
    assert result.coverage == "6 个月中 3 个按期完成，1 个逾期完成，1 个未完成，1 个未到期"
    assert "2026年2月未完成" in result.reason and "2026年3月逾期完成" in result.reason
    assert services.evaluation_instant(datetime.date(2026, 6, 30), now=NOW) == NOW
