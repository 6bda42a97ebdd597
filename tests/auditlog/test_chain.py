"""The audit log proves itself (issue #13): every event is hash-chained, a changed or deleted event
is found and named, the purge keeps the chain verifiable, PostgreSQL refuses UPDATE/DELETE, and
the daily verification tells the security officers when the chain is broken."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from szmz_security.auditlog import chain
from szmz_security.auditlog.models import AuditChainHead, AuditChainVerification, AuditEvent
from szmz_security.auditlog.retention import purge_expired
from szmz_security.auditlog.services import last_verification, record, verify_chain
from szmz_security.auditlog.tasks import verify_chain_task
from szmz_security.obligations.models import Notification

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ON_POSTGRES = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the append-only trigger exists only on PostgreSQL"
)


def tamper(sql, params=()):
    """Change the table behind the portal's back, as someone with database access would. On
    PostgreSQL the trigger would refuse, so triggers are off for this statement only (superuser)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def trail(db, staff):
    """Five log-in events (one chain) and two exports (another), a minute apart."""
    with time_machine.travel(T0, tick=False) as clock:
        events = []
        for minute in range(7):
            clock.move_to(T0 + timedelta(minutes=minute))
            kind = AuditEvent.Kind.EXPORT if minute in (2, 5) else AuditEvent.Kind.LOGIN
            events.append(record(kind, user=staff, document=f"d{minute}"))
    return events


def verify_command():
    call_command("verify_audit_chain", "--no-notify")


# --- writing --------------------------------------------------------------------------------------


def test_each_event_links_to_the_previous_one_of_its_class(trail):
    logins = [event for event in trail if event.log_class == "auth"]
    exports = [event for event in trail if event.log_class == "export"]
    assert logins[0].prev_hash == exports[0].prev_hash == chain.GENESIS
    assert [event.prev_hash for event in logins[1:]] == [event.hash for event in logins[:-1]]
    assert exports[1].prev_hash == exports[0].hash
    stored = AuditEvent.objects.get(pk=logins[2].pk)
    assert stored.hash == chain.event_hash(stored, stored.prev_hash) == logins[2].hash
    assert len({event.hash for event in trail}) == 7


def test_an_event_cannot_be_changed_through_the_model(trail):
    event = AuditEvent.objects.get(pk=trail[0].pk)
    event.username = "someone-else"
    with pytest.raises(ValueError, match="只能追加"):
        event.save()


@pytest.mark.django_db
def test_bulk_writes_chain_too(staff):
    first = record(AuditEvent.Kind.LOGIN, user=staff)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(kind="login", log_class="auth", username="a"),
            AuditEvent(kind="print", log_class="export", username="b"),
            AuditEvent(kind="logout", log_class="auth", username="c"),
        ]
    )
    a, b, c = AuditEvent.objects.filter(username__in="abc").order_by("username")
    assert (a.prev_hash, c.prev_hash, b.prev_hash) == (first.hash, a.hash, chain.GENESIS)
    assert verify_chain(notify_officers=False).ok


def heads():
    return dict(AuditChainHead.objects.values_list("log_class", "hash"))


def test_each_class_keeps_its_last_event_as_its_head(trail):
    assert heads() == {"auth": trail[6].hash, "export": trail[5].hash}
    assert AuditChainHead.objects.get(pk="auth").event_id == trail[6].pk


def test_a_write_reads_its_predecessor_from_the_head_not_from_the_log(trail, staff):
    """At millions of events in day partitions, "the highest id of the class" touched every
    partition of the class on every write (issue #14)."""
    with CaptureQueriesContext(connection) as queries:
        event = record(AuditEvent.Kind.LOGIN, user=staff)
    assert event.prev_hash == trail[6].hash
    assert not [q for q in queries if 'FROM "auditlog_auditevent"' in q["sql"]]
    assert heads()["auth"] == event.hash


def test_a_missing_head_is_found_in_the_log_and_the_chain_stays_whole(trail, staff):
    AuditChainHead.objects.all().delete()  # a restored database, a new class
    event = record(AuditEvent.Kind.EXPORT, user=staff)
    assert event.prev_hash == trail[5].hash
    assert heads() == {"export": event.hash}
    AuditChainHead.rebuild()
    assert heads() == {"auth": trail[6].hash, "export": event.hash}
    assert verify_chain(notify_officers=False).ok


def test_a_forged_head_shows_as_a_break_at_the_next_verification(trail, staff):
    AuditChainHead.objects.filter(pk="auth").update(hash="f" * 64)
    forged = record(AuditEvent.Kind.LOGIN, user=staff)
    result = verify_chain(notify_officers=False)
    assert not result.ok and result.first_broken_id == forged.pk


@pytest.mark.django_db
def test_bulk_writes_advance_the_head(staff):
    AuditEvent.objects.bulk_create(
        [AuditEvent(kind="login", log_class="auth", username=name) for name in ("x", "y")]
    )
    assert heads() == {"auth": AuditEvent.objects.get(username="y").hash}


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_do_not_fork_the_chain(staff):
    """Two web workers writing at the same moment: each event still follows exactly one other."""
    barrier = threading.Barrier(2)
    errors = []

    def writer(name):
        try:
            barrier.wait()
            for n in range(15):
                record(AuditEvent.Kind.LOGIN_FAILED, username=f"{name}{n}", outcome="failure")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("w1-", "w2-")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == 30 and len(set(prevs)) == 30  # no two events claim the same predecessor
    assert verify_chain(notify_officers=False).ok


# --- verification ---------------------------------------------------------------------------------


def test_an_intact_chain_verifies_and_the_result_is_recorded(trail, capsys):
    verify_command()
    assert "哈希链完整：已校验 7 条事件" in capsys.readouterr().out
    verification = last_verification()
    assert (verification.ok, verification.events_checked, verification.first_broken_id) == (True, 7, None)


def test_an_event_changed_in_the_database_is_named(trail):
    victim = trail[3]
    tamper("UPDATE auditlog_auditevent SET username = %s WHERE id = %s", ["intruder", victim.pk])
    with pytest.raises(CommandError) as error:
        verify_command()
    message = str(error.value)
    assert f"审计事件 #{victim.pk}（2026-03-02 09:03:00）的内容与哈希不符" in message
    now_stored = AuditEvent.objects.get(pk=victim.pk)
    assert f"存储为 {victim.hash}" in message  # the stored hash, and the one the content now gives
    assert f"应为 {chain.event_hash(now_stored, victim.prev_hash)}" in message
    verification = AuditChainVerification.objects.get()
    assert (verification.ok, verification.first_broken_id) == (False, victim.pk)
    assert verification.first_broken_at == T0 + timedelta(minutes=3)


def test_an_event_deleted_from_the_database_breaks_the_next_link(trail):
    victim, follower = trail[3], trail[4]  # both log-ins
    tamper("DELETE FROM auditlog_auditevent WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as error:
        verify_command()
    message = str(error.value)
    assert f"审计事件 #{follower.pk}" in message and "前序哈希与上一事件不符" in message
    assert f"应为 {trail[1].hash}，存储为 {victim.hash}" in message


def test_rehashing_a_changed_event_is_caught_at_the_next_one(trail):
    victim = AuditEvent.objects.get(pk=trail[0].pk)
    victim.username = "intruder"
    forged = chain.event_hash(victim, victim.prev_hash)
    tamper(
        "UPDATE auditlog_auditevent SET username = 'intruder', hash = %s WHERE id = %s", [forged, victim.pk]
    )
    with pytest.raises(CommandError, match=f"#{trail[1].pk}（"):
        verify_command()


def test_the_first_break_is_the_earliest_across_classes(trail):
    tamper(
        "UPDATE auditlog_auditevent SET object_repr = 'x' WHERE id IN (%s, %s)", [trail[5].pk, trail[4].pk]
    )
    verification = verify_chain(notify_officers=False)
    assert verification.first_broken_id == trail[4].pk


def test_deleting_the_newest_events_is_found_by_the_next_verification(trail):
    """No later event links to the end of a chain: the last verification's anchor does."""
    assert verify_chain(notify_officers=False).ok
    last_login = trail[6]
    tamper("DELETE FROM auditlog_auditevent WHERE id = %s", [last_login.pk])
    verification = verify_chain(notify_officers=False)
    assert verification.first_broken_id == last_login.pk
    assert "现已不存在（日志末尾被删除或重写）" in verification.message
    assert f"应为 {last_login.hash}" in verification.message


def test_rewriting_the_end_of_a_chain_with_fresh_hashes_is_found(trail):
    assert verify_chain(notify_officers=False).ok
    last_login = AuditEvent.objects.get(pk=trail[6].pk)
    last_login.username = "intruder"
    forged = chain.event_hash(last_login, last_login.prev_hash)
    tamper(
        "UPDATE auditlog_auditevent SET username = 'intruder', hash = %s WHERE id = %s",
        [forged, last_login.pk],
    )
    verification = verify_chain(notify_officers=False)
    assert verification.first_broken_id == last_login.pk
    assert "与上次校验时的哈希不符（日志被重写）" in verification.message
    # New events after a good verification are simply part of the chain.
    record(AuditEvent.Kind.LOGOUT, username="staff")
    assert not verify_chain(notify_officers=False).ok  # still anchored to the intact verification


# --- purge ----------------------------------------------------------------------------------------


@pytest.fixture
def short_retention(settings):
    settings.AUDIT_RETENTION_DAYS = {"auth": 60, "access": 60, "export": 90, "system": 60}
    settings.AUDIT_PURGE_BATCH = 2


def test_the_chain_verifies_across_purges(trail, short_retention):
    with time_machine.travel(T0 + timedelta(days=61), tick=False) as clock:
        later = record(AuditEvent.Kind.LOGIN, username="later")
        [auth] = purge_expired()
        assert auth.deleted == 5
        assert verify_chain(notify_officers=False).ok
        # The exports (90 days) go a month later; the first checkpoint goes in a later purge.
        clock.move_to(T0 + timedelta(days=125))
        assert {purge.log_class: purge.deleted for purge in purge_expired()} == {"auth": 2, "export": 2}
        verification = verify_chain(notify_officers=False)
    assert verification.ok, verification.message
    assert not AuditEvent.objects.filter(pk=later.pk).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CHECKPOINT).count() == 2  # one per class


class WorkerKilled(Exception):
    pass


def test_an_interrupted_purge_still_verifies(trail, short_retention, monkeypatch):
    """The purge deletes newest first: killed after one batch, the gap ends at its checkpoint."""
    from szmz_security.auditlog import retention

    real_allow, batches = retention.allow_purge, []

    def allow_then_die():
        if batches:  # the worker dies as the second batch starts
            raise WorkerKilled
        batches.append(1)
        real_allow()

    monkeypatch.setattr(retention, "allow_purge", allow_then_die)
    with time_machine.travel(T0 + timedelta(days=61), tick=False), pytest.raises(WorkerKilled):
        purge_expired()
    assert AuditEvent.objects.filter(log_class="auth").exclude(kind="checkpoint").count() == 3
    assert verify_chain(notify_officers=False).ok


def test_a_forged_gap_is_not_covered_by_a_checkpoint(trail, short_retention):
    with time_machine.travel(T0 + timedelta(days=61), tick=False):
        purge_expired()
    export = trail[5]
    tamper("DELETE FROM auditlog_auditevent WHERE id = %s", [trail[2].pk])  # an export, not purged
    verification = verify_chain(notify_officers=False)
    assert verification.first_broken_id == export.pk


# --- existing rows ----------------------------------------------------------------------------------


def test_the_migration_chains_rows_written_before_the_chain(trail):
    from importlib import import_module

    migration = import_module("szmz_security.auditlog.migrations.0003_chain_existing_rows_and_trigger")
    hashes = dict(AuditEvent.objects.values_list("pk", "hash"))
    tamper("UPDATE auditlog_auditevent SET hash = '', prev_hash = ''")
    assert not verify_chain(notify_officers=False).ok

    class SchemaEditor:
        connection = connection

    # The migration runs before the trigger exists; here it already does.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        migration.chain_existing_rows(apps, SchemaEditor())
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    assert dict(AuditEvent.objects.values_list("pk", "hash")) == hashes
    assert verify_chain(notify_officers=False).ok


# --- PostgreSQL: the table refuses changes ----------------------------------------------------------


@ON_POSTGRES
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE auditlog_auditevent SET username = 'intruder' WHERE id = %s",
        "DELETE FROM auditlog_auditevent WHERE id = %s",
    ],
)
def test_postgres_refuses_update_and_delete(trail, sql):
    with (
        pytest.raises(DatabaseError, match="审计日志只能追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [trail[0].pk])
    assert AuditEvent.objects.get(pk=trail[0].pk).username == "staff"


@ON_POSTGRES
def test_postgres_refuses_the_orm_delete_too(trail):
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=trail[0].pk).delete()
    assert AuditEvent.objects.count() == 7


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)  # the purge's own transactions, as in production
def test_postgres_lets_only_the_purge_delete_and_the_chain_verifies(trail, short_retention):
    with time_machine.travel(T0 + timedelta(days=61), tick=False):
        [purge] = purge_expired()
    assert purge.deleted == 5
    assert verify_chain(notify_officers=False).ok
    # The purge's permission ended with its transaction.
    assert AuditEvent.objects.filter(log_class="export").count() == 2
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        AuditEvent.objects.filter(log_class="export").delete()


# --- the daily task and the viewer ------------------------------------------------------------------


def test_the_daily_task_notifies_the_officers_of_a_broken_chain(trail, officer, staff):
    assert verify_chain_task() == {"ok": True, "checked": 7}
    assert not Notification.objects.exists()

    tamper("UPDATE auditlog_auditevent SET ip_address = '10.9.9.9' WHERE id = %s", [trail[1].pk])
    assert verify_chain_task()["ok"] is False
    [notification] = Notification.objects.all()
    assert notification.recipients == [officer.pk]  # not plain staff
    assert notification.title == "审计日志完整性校验失败"
    assert f"#{trail[1].pk}" in notification.body
    verify_chain_task()  # the same break the same day: told once
    assert Notification.objects.count() == 1


def test_the_viewer_shows_the_last_verification(client, officer, trail):
    client.force_login(officer)
    assert "尚未校验" in client.get("/audit-log/").content.decode()
    verify_chain(notify_officers=False)
    html = client.get("/audit-log/").content.decode()
    assert "哈希链完整：已校验" in html and "alert-success" in html

    tamper("UPDATE auditlog_auditevent SET username = 'x' WHERE id = %s", [trail[0].pk])
    verify_chain(notify_officers=False)
    html = client.get("/audit-log/").content.decode()
    assert f"审计事件 #{trail[0].pk}" in html and "alert-danger" in html
