"""manage.py generate_data at a tiny scale: the rows it writes, and the sweep working on them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from szmz_security.core.generate import generate
from szmz_security.obligations.models import Notification, Obligation
from szmz_security.obligations.services import sweep
from szmz_security.org.models import Department, StaffProfile
from szmz_security.org.roles import ROLES_BY_CODE

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
    obligations = Obligation.objects.all()
    assert obligations.count() == 100
    assert Obligation.history.filter(history_type="+").count() == 100
    assert set(obligations.values_list("state", flat=True)) == {Obligation.State.OPEN}
    assert {o.department_id for o in obligations} == {d.pk for d in departments}
    assert obligations.filter(due_at__lte=now).exists()  # some overdue
    assert obligations.filter(due_at__gt=now + timedelta(days=1)).exists()  # most later
    # pending: as create_obligation leaves a new row, its first reminder is due on the next sweep
    assert obligations.filter(next_reminder_at__lte=now, last_stage_index=-1).count() == 100

    result = sweep(now=now)
    assert result["obligations"] == 100
    assert Notification.objects.count() > 100
    assert Notification.objects.filter(recipient__in=role_holders("security_officer")).exists()
    # the sweep's bookkeeping is saved: every row's next stage is now in the future
    assert not Obligation.objects.filter(next_reminder_at__lte=now).exists()
    assert not Obligation.objects.filter(last_stage_index=-1).exists()
    assert sweep(now=now)["notifications"] == 0  # nothing twice


def test_swept_state_leaves_nothing_due_until_the_next_stage():
    now = timezone.now()
    generate(0.002, now=now)  # reminders="swept", the command's default

    assert not Obligation.objects.filter(next_reminder_at__lte=now).exists()
    assert sweep(now=now)["obligations"] == 0
    # Ninety-one days on, every deadline has passed: each obligation not yet escalated is now.
    waiting = Obligation.objects.exclude(next_reminder_at=None).count()
    assert 0 < waiting < 100  # those overdue by more than an hour were escalated already
    later = now + timedelta(days=91)
    assert sweep(now=later)["obligations"] == waiting
    assert set(Notification.objects.values_list("stage", flat=True)) <= {"breach", "escalation"}
    assert Notification.objects.filter(stage="escalation", recipient__in=role_holders("leadership")).exists()


def test_refuses_a_second_run_and_production(settings):
    call_command("generate_data", scale=SCALE)
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_data", scale=SCALE)

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("generate_data", scale=SCALE)
