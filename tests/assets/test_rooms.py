"""The machine room (chapter 5): access log (approval before entry), change log (approval before
the change), daily backups and monthly fire checks as obligations that go overdue when missed."""

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from assets import tasks
from assets.machine_room import services
from assets.models import BackupRecord, FireCheck, MachineRoom, RoomAccess, RoomChange
from szmz_security.obligations.models import Notification, Obligation
from szmz_security.obligations.services import sweep
from tests.assets.factories import AssetFactory, MachineRoomFactory
from tests.factories import UserFactory
from tests.notifications import told

pytestmark = pytest.mark.django_db

FMT = "%Y-%m-%dT%H:%M"


def local(text):
    return timezone.make_aware(dt.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def stamp(moment):
    return timezone.localtime(moment).strftime(FMT)


@pytest.fixture
def room(department, head):
    return MachineRoomFactory(department=department, responsible=head, name="中心机房")


def room_obligations(room, kind=None):
    rows = Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(MachineRoom), subject_id=room.pk
    )
    return rows.filter(kind=kind) if kind else rows


# --- access log -----------------------------------------------------------------------------------


def test_officer_records_an_entry_then_the_departure(client, officer, room):
    client.force_login(officer)
    now = timezone.now()
    response = client.post(
        reverse("assets:roomaccess_add", args=[room.pk]),
        {
            "visitor": "赵工",
            "organisation": "某网络公司",
            "purpose": "更换交换机电源",
            "approved_by": officer.pk,
            "approved_at": stamp(now - dt.timedelta(hours=1)),
            "entered_at": stamp(now - dt.timedelta(minutes=30)),
        },
    )
    assert response.status_code == 302
    access = RoomAccess.objects.get()
    assert access.recorded_by == officer and access.left_at is None
    page = client.get(room.get_absolute_url()).content.decode()
    assert "赵工" in page and "在机房内" not in page  # officers see the 登记离开 form instead
    response = client.post(
        reverse("assets:roomaccess_leave", args=[room.pk, access.pk]), {"left_at": stamp(now)}
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.left_at is not None
    assert access.history.count() == 2


def test_entry_approved_after_it_happened_is_refused(client, officer, room):
    client.force_login(officer)
    now = timezone.now()
    response = client.post(
        reverse("assets:roomaccess_add", args=[room.pk]),
        {
            "visitor": "钱工",
            "organisation": "运维公司",
            "purpose": "巡检",
            "approved_by": officer.pk,
            "approved_at": stamp(now),
            "entered_at": stamp(now - dt.timedelta(hours=1)),
        },
    )
    assert response.status_code == 400
    assert "批准时间不能晚于进入时间" in response.content.decode()
    assert not RoomAccess.objects.exists()


def test_entry_needs_an_approver(client, officer, room):
    client.force_login(officer)
    response = client.post(
        reverse("assets:roomaccess_add", args=[room.pk]),
        {"visitor": "孙工", "organisation": "x", "purpose": "y", "entered_at": stamp(timezone.now())},
    )
    assert response.status_code == 400
    assert 'data-field="approved_by"' in response.content.decode()


def test_departure_before_entry_is_refused(client, officer, room):
    now = timezone.now()
    access = RoomAccess.objects.create(
        room=room,
        visitor="周工",
        organisation="x",
        purpose="y",
        approved_by=officer,
        approved_at=now - dt.timedelta(hours=2),
        entered_at=now - dt.timedelta(hours=1),
        recorded_by=officer,
    )
    client.force_login(officer)
    response = client.post(
        reverse("assets:roomaccess_leave", args=[room.pk, access.pk]),
        {"left_at": stamp(now - dt.timedelta(hours=3))},
    )
    assert response.status_code == 400
    assert "离开时间不能早于进入时间" in response.content.decode()


# --- change log -----------------------------------------------------------------------------------


def test_change_with_an_asset_and_approval_before_the_change(client, head, room, department):
    server = AssetFactory(department=department, number="SRV-001", type="server")
    client.force_login(head)
    now = timezone.now()
    data = {
        "kind": RoomChange.Kind.HARDWARE_REPLACED,
        "description": "更换 SRV-001 电源模块",
        "asset_number": "SRV-001",
        "approved_by": head.pk,
        "approved_at": stamp(now - dt.timedelta(hours=2)),
        "performed_by": head.pk,
        "performed_at": stamp(now - dt.timedelta(hours=1)),
    }
    assert client.post(reverse("assets:roomchange_add", args=[room.pk]), data).status_code == 302
    change = RoomChange.objects.get()
    assert change.asset == server and change.performed_by == head
    late = dict(data, approved_at=stamp(now))
    response = client.post(reverse("assets:roomchange_add", args=[room.pk]), late)
    assert response.status_code == 400
    assert "批准时间不能晚于实施时间" in response.content.decode()
    unknown = dict(data, asset_number="NOPE-1")
    response = client.post(reverse("assets:roomchange_add", args=[room.pk]), unknown)
    assert "未找到编号为“NOPE-1”的资产" in response.content.decode()
    assert RoomChange.objects.count() == 1


# --- who may record -------------------------------------------------------------------------------

ACTIONS = ["roomaccess_add", "roomchange_add", "backuprecord_add", "firecheck_add"]


@pytest.mark.parametrize("name", ACTIONS)
def test_other_department_gets_404_and_staff_403(client, outsider, staff, room, name):
    url = reverse(f"assets:{name}", args=[room.pk])
    client.force_login(outsider)
    assert client.post(url, {}).status_code == 404
    client.force_login(staff)
    assert client.post(url, {}).status_code == 403


def test_departure_of_another_departments_room_is_404(client, outsider, officer, room):
    access = RoomAccess.objects.create(
        room=room,
        visitor="周工",
        organisation="x",
        purpose="y",
        approved_by=officer,
        approved_at=timezone.now(),
        entered_at=timezone.now(),
        recorded_by=officer,
    )
    client.force_login(outsider)
    assert client.post(reverse("assets:roomaccess_leave", args=[room.pk, access.pk]), {}).status_code == 404


def test_staff_sees_the_logs_without_the_forms(client, staff, room):
    client.force_login(staff)
    html = client.get(room.get_absolute_url()).content.decode()
    assert "出入登记" in html and "登记进入" not in html


def test_room_page_queries_do_not_grow(client, officer, room):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            person = UserFactory()
            now = timezone.now()
            RoomAccess.objects.create(
                room=room,
                visitor="x",
                organisation="y",
                purpose="z",
                approved_by=person,
                approved_at=now,
                entered_at=now,
                recorded_by=person,
            )
            RoomChange.objects.create(
                room=room,
                kind="software",
                description="d",
                approved_by=person,
                approved_at=now,
                performed_by=person,
                performed_at=now,
            )

    client.force_login(officer)
    add(2)
    client.get(room.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(room.get_absolute_url())
    add(8)
    with CaptureQueriesContext(connection) as many:
        client.get(room.get_absolute_url())
    assert len(many) == len(few)


# --- obligations: daily backup and monthly fire check ---------------------------------------------


def test_beat_creates_todays_backup_and_this_months_fire_check_once(room, head):
    with time_machine.travel(local("2026-03-10 08:00"), tick=False):
        created = services.ensure_machine_room_obligations()
        assert tasks.ensure_machine_room_obligations() == 0  # idempotent
    assert len(created) == 2
    backup = room_obligations(room, services.BACKUP_KIND).get()
    fire = room_obligations(room, services.FIRE_CHECK_KIND).get()
    assert backup.clause == "市民政局制度 第五章第5条" and fire.clause == "市民政局制度 第五章第7条"
    assert timezone.localtime(backup.due_at) == local("2026-03-10 23:59").replace(second=59)
    assert timezone.localtime(fire.due_at) == local("2026-03-31 23:59").replace(second=59)
    assert backup.department == room.department and backup.assignee == head and backup.subject == room

    with time_machine.travel(local("2026-03-11 08:00"), tick=False):
        assert len(services.ensure_machine_room_obligations()) == 1  # the new day's backup only
    assert room_obligations(room, services.BACKUP_KIND).count() == 2


def test_rooms_that_do_not_require_them_get_none(department, head):
    MachineRoomFactory(department=department, daily_backup_required=False, fire_check_required=False)
    MachineRoomFactory(department=department, active=False)
    assert services.ensure_machine_room_obligations() == []


def test_recording_the_backup_meets_the_days_obligation(client, head, room):
    with time_machine.travel(local("2026-03-10 08:00"), tick=False):
        services.ensure_machine_room_obligations()
    with time_machine.travel(local("2026-03-10 18:00"), tick=False):
        client.force_login(head)
        response = client.post(
            reverse("assets:backuprecord_add", args=[room.pk]),
            {"date": "2026-03-10", "systems": "业务数据库", "medium": "NAS /backup", "succeeded": "on"},
        )
        assert response.status_code == 302
    obligation = room_obligations(room, services.BACKUP_KIND).get()
    assert obligation.state == Obligation.State.MET and obligation.met_by == head
    assert BackupRecord.objects.get().obligation == obligation


def test_a_missed_backup_goes_overdue_and_a_late_record_meets_it_late(client, head, officer, room):
    with time_machine.travel(local("2026-03-10 08:00"), tick=False):
        services.ensure_machine_room_obligations()
        sweep()
    obligation = room_obligations(room, services.BACKUP_KIND).get()
    with time_machine.travel(local("2026-03-11 00:30"), tick=False):
        assert obligation in Obligation.objects.overdue()
        sweep()
        breach = Notification.objects.filter(obligation=obligation, stage="breach")
        assert told(breach, by="pk") >= {head.pk, officer.pk}
        client.force_login(head)
        client.post(
            reverse("assets:backuprecord_add", args=[room.pk]),
            {"date": "2026-03-10", "systems": "业务数据库", "medium": "NAS", "succeeded": "on"},
        )
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET_LATE


def test_failed_backup_leaves_the_obligation_open_until_a_good_one(client, head, room):
    with time_machine.travel(local("2026-03-10 08:00"), tick=False):
        services.ensure_machine_room_obligations()
        client.force_login(head)
        url = reverse("assets:backuprecord_add", args=[room.pk])
        client.post(url, {"date": "2026-03-10", "systems": "库", "medium": "NAS", "note": "磁盘满"})
        obligation = room_obligations(room, services.BACKUP_KIND).get()
        assert obligation.state == Obligation.State.OPEN
        assert (
            client.post(
                url, {"date": "2026-03-10", "systems": "库", "medium": "NAS", "succeeded": "on"}
            ).status_code
            == 302
        )
        response = client.post(
            url, {"date": "2026-03-10", "systems": "库", "medium": "NAS", "succeeded": "on"}
        )
        assert response.status_code == 400 and "备份已登记" in response.content.decode()
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert BackupRecord.objects.get().succeeded


def test_fire_check_meets_the_months_obligation(client, officer, room):
    with time_machine.travel(local("2026-03-10 08:00"), tick=False):
        services.ensure_machine_room_obligations()
        client.force_login(officer)
        url = reverse("assets:firecheck_add", args=[room.pk])
        response = client.post(url, {"checked_on": "2026-03-10"})
        assert response.status_code == 400 and "写明发现的问题" in response.content.decode()
        assert client.post(url, {"checked_on": "2026-03-10", "extinguishers_ok": "on"}).status_code == 302
        assert (
            "已登记"
            in client.post(url, {"checked_on": "2026-03-12", "extinguishers_ok": "on"}).content.decode()
        )
    check = FireCheck.objects.get()
    assert check.month == dt.date(2026, 3, 1)
    assert room_obligations(room, services.FIRE_CHECK_KIND).get().state == Obligation.State.MET


def test_record_made_before_the_beat_meets_the_new_obligation_at_once(head, room):
    with time_machine.travel(local("2026-03-10 07:00"), tick=False):
        services.record_backup(
            room, by=head, date=dt.date(2026, 3, 10), systems="库", medium="NAS", performed_by=head
        )
    with time_machine.travel(local("2026-03-10 08:00"), tick=False):
        services.ensure_machine_room_obligations()
    assert room_obligations(room, services.BACKUP_KIND).get().state == Obligation.State.MET


def test_room_add_and_edit(client, officer, department, head):
    client.force_login(officer)
    data = {
        "name": "灾备机房",
        "location": "福田数据中心",
        "department": department.pk,
        "responsible": head.pk,
        "daily_backup_required": "on",
        "active": "on",
    }
    assert client.post(reverse("assets:machineroom_add"), data).status_code == 302
    room = MachineRoom.objects.get(name="灾备机房")
    assert room.fire_check_required is False
    assert room.history.get().history_change_reason == "登记机房"
