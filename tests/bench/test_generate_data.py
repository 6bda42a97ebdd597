"""manage.py generate_data at a tiny scale: the rows it writes (departments, people, obligations,
incidents with the reports they owe), and the sweep working on them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from incidents.models import Incident, IncidentUserObjectPermission, ReportingRule, TimelineEntry
from incidents.services import recompute_obligations
from szmz_security.core.generate import generate
from szmz_security.obligations.models import Notification, Obligation
from szmz_security.obligations.services import sweep
from szmz_security.org.models import Department, StaffProfile
from szmz_security.org.roles import ROLES_BY_CODE
from tests.notifications import told

pytestmark = pytest.mark.django_db

SCALE = 0.002  # 2 departments, a score of people, 100 obligations


def role_holders(code):
    return get_user_model().objects.filter(username__startswith="gen.", groups__name=ROLES_BY_CODE[code].name)


def test_writes_departments_users_and_obligations_with_history():
    call_command("generate_data", scale=SCALE, reminders="pending")

    departments = list(Department.objects.order_by("sort_order"))
    assert [d.name for d in departments] == ["办公室", "人事处"]  # the bureau's real names come first
    assert all(d.group.name == f"处室:{d.code}" for d in departments)
    assert Department.history.count() == 2

    users = get_user_model().objects.filter(username__startswith="gen.")
    assert StaffProfile.objects.filter(user__in=users).exclude(full_name="").count() == users.count()
    assert StaffProfile.history.count() == users.count()
    assert role_holders("security_officer").count() == 4
    assert role_holders("leadership").exists() and role_holders("inspector").exists()
    for department in departments:
        heads = role_holders("department_head").filter(groups=department.group)
        assert heads.count() == 1
        assert role_holders("staff").filter(groups=department.group).exclude(pk__in=heads).exists()
    staff = role_holders("staff").exclude(groups__name=ROLES_BY_CODE["department_head"].name).first()
    assert staff.check_password("Szmz-Demo-2026")

    now = timezone.now()
    obligations = Obligation.objects.filter(subject_type=None)  # the standalone ones
    assert obligations.count() == 100
    assert Obligation.history.filter(history_type="+", subject_type=None).count() == 100
    assert set(obligations.values_list("state", flat=True)) == {Obligation.State.OPEN}
    assert {o.department_id for o in obligations} == {d.pk for d in departments}
    assert obligations.filter(due_at__lte=now).exists()  # some overdue
    assert obligations.filter(due_at__gt=now + timedelta(days=1)).exists()  # most later
    # pending: as create_obligation leaves a new row, its first reminder is due on the next sweep
    assert obligations.filter(next_reminder_at__lte=now, last_stage_index=-1).count() == 100

    # Incidents' open reports are due the same way (their first stage at least).
    due = Obligation.objects.open().filter(next_reminder_at__lte=now).count()
    assert due == Obligation.objects.open().count() >= 100
    result = sweep(now=now)
    assert result["obligations"] == due
    assert Notification.objects.count() > 100
    assert told(by="pk") & set(role_holders("security_officer").values_list("pk", flat=True))
    # the sweep's bookkeeping is saved: every row's next stage is now in the future
    assert not Obligation.objects.filter(next_reminder_at__lte=now).exists()
    assert not Obligation.objects.open().filter(last_stage_index=-1).exists()
    assert sweep(now=now)["notifications"] == 0  # nothing twice


def test_swept_state_leaves_nothing_due_until_the_next_stage():
    now = timezone.now()
    generate(0.002, now=now)  # reminders="swept", the command's default

    assert not Obligation.objects.filter(next_reminder_at__lte=now).exists()
    assert sweep(now=now)["obligations"] == 0
    # Ninety-one days on, every deadline has passed: each obligation not yet escalated is now.
    waiting = Obligation.objects.exclude(next_reminder_at=None).count()
    # those overdue by more than an hour were escalated already
    assert 0 < waiting < Obligation.objects.open().count()
    later = now + timedelta(days=91)
    assert sweep(now=later)["obligations"] == waiting
    assert set(Notification.objects.values_list("stage", flat=True)) <= {"breach", "escalation"}
    escalations = Notification.objects.filter(stage="escalation")
    assert told(escalations, by="pk") & set(role_holders("leadership").values_list("pk", flat=True))


def test_refuses_a_second_run_and_production(settings):
    call_command("generate_data", scale=SCALE)
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_data", scale=SCALE)

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("generate_data", scale=SCALE)


def test_writes_incidents_with_their_grants_timeline_and_reports():
    now = timezone.now()
    summary = generate(0.01, now=now)  # 2 departments, 500 incidents

    incidents = Incident.objects.all()
    assert summary.incidents == incidents.count() == 500
    assert Incident.history.filter(history_type="+").count() == 500
    departments = set(Department.objects.values_list("pk", flat=True))
    assert set(incidents.values_list("department_id", flat=True)) == departments
    assert set(incidents.values_list("state", flat=True)) == set(Incident.State.values)
    assert len(set(incidents.values_list("category", flat=True))) >= 5
    assert incidents.exclude(grade=None).values("grade").distinct().count() >= 3
    assert incidents.filter(discovered_at__gt=now).count() == 0
    # Secret leaks: a few percent, every one need-to-know from filing, and only they are.
    leaks = incidents.filter(secret_leak=True)
    assert 0 < leaks.count() < 50
    assert set(incidents.filter(restricted=True).values_list("pk", flat=True)) == set(
        leaks.values_list("pk", flat=True)
    )
    assert not leaks.exclude(category="information_damage", subcategory="damage.leak").exists()
    for incident in incidents.select_related("reported_by"):
        assert incident.discovered_at <= incident.created_at <= now
        assert incident.grade is None or incident.grade >= incident.minimum_grade
        assert incident.reported_by.groups.filter(pk=incident.department.group_id).exists()
    # As filing leaves them: the reporter keeps sight of the report, and the timeline starts.
    assert IncidentUserObjectPermission.objects.count() == 500
    assert TimelineEntry.objects.filter(kind=TimelineEntry.Kind.FILED).count() == 500

    # The reports they owe: obligations whose subject is the incident, kind incident.<rule>.
    owed = Obligation.objects.filter(subject_type=ContentType.objects.get_for_model(Incident))
    assert summary.incident_obligations == owed.count() > 0
    assert set(owed.values_list("kind", flat=True)) <= {
        f"incident.{code}" for code in ReportingRule.objects.values_list("code", flat=True)
    }
    assert summary.obligations == Obligation.objects.filter(subject_type=None).count() == 500
    assert Obligation.history.filter(history_type="+").count() == 1000 + owed.count() - 500
    police = owed.filter(kind="incident.police").values_list("subject_id", flat=True)
    assert set(incidents.filter(crime_suspected=True).values_list("pk", flat=True)) <= set(police)
    assert set(leaks.values_list("pk", flat=True)) == set(
        owed.filter(kind="incident.secrecy").values_list("subject_id", flat=True)
    )
    assert not owed.filter(restricted=True).exclude(subject_id__in=leaks.values("pk")).exists()
    assert not owed.filter(subject_id__in=incidents.filter(state="false_alarm").values("pk")).exclude(
        state=Obligation.State.WAIVED
    )
    assert not owed.filter(subject_id__in=incidents.filter(state="closed").values("pk")).exclude(
        state__in=[Obligation.State.MET, Obligation.State.MET_LATE]
    )
    # A realistic share is still open, some of them overdue, and only on open incidents.
    open_owed = owed.open()
    assert 0 < open_owed.count() < owed.count() / 2
    assert open_owed.filter(due_at__lte=now).exists()
    assert not open_owed.exclude(subject_id__in=incidents.filter(state__in=Incident.OPEN_STATES).values("pk"))
    # swept: as the minute sweep leaves them (past stages sent; escalated ones wait for nothing).
    assert not open_owed.filter(next_reminder_at__lte=now).exists()
    assert open_owed.exclude(next_reminder_at=None).exists()
    for obligation in owed.exclude(state=Obligation.State.OPEN):
        assert obligation.next_reminder_at is None
        assert (obligation.met_at or obligation.waived_at) <= now

    # Consistent with the rules: recomputing a generated incident owes nothing new.
    officer = role_holders("security_officer").first()
    for incident in incidents.exclude(state="false_alarm"):
        assert recompute_obligations(incident, by=officer, reason="核对") == ([], [], [])

    # The access rule on them: a plain 工作人员 sees their department's unrestricted incidents and
    # the leaks they reported themselves, nothing else.
    staff = get_user_model().objects.get(username=summary.staff_username)
    department = Department.objects.get(group__user=staff)
    visible = set(Incident.objects.visible_to(staff).values_list("pk", flat=True))
    expected = set(
        incidents.filter(department=department, restricted=False).values_list("pk", flat=True)
    ) | set(incidents.filter(reported_by=staff).values_list("pk", flat=True))
    assert visible == expected
    assert 0 < len(visible) < 500
