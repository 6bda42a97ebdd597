"""The audit log in daily partitions on PostgreSQL (issue #14): the beat task makes the next days'
partitions, the purge drops a whole day past retention and its checkpoint keeps the chain
verifiable, a write goes on while the purge runs, and an existing table is converted with its
chain intact. SQLite keeps one table and the batch delete."""

import threading
from datetime import datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from szmz_security.auditlog import partitions
from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.retention import purge_expired
from szmz_security.auditlog.services import record, verify_chain
from szmz_security.auditlog.tasks import ensure_partitions_task

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY0 = T0.date()
ON_POSTGRES = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="partitions are PostgreSQL's")
ON_SQLITE = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite path")


@pytest.fixture
def short_retention(settings):
    settings.AUDIT_RETENTION_DAYS = {"auth": 60, "access": 60, "export": 90, "system": 60}
    settings.AUDIT_PURGE_BATCH = 2


def partition_of(event):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM auditlog_auditevent WHERE id = %s", [event.pk])
        return cursor.fetchone()[0]


def exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]


def log_ins(clock, days, per_day=3):
    """``per_day`` log-ins at 09:00, 09:10, … on each of ``days`` days after T0."""
    events = []
    for day in days:
        for n in range(per_day):
            clock.move_to(T0 + timedelta(days=day, minutes=10 * n))
            events.append(record(AuditEvent.Kind.LOGIN, username=f"d{day}n{n}"))
    return events


def deletes(queries):
    return [q for q in queries.captured_queries if q["sql"].startswith("DELETE")]


@ON_POSTGRES
@pytest.mark.django_db
def test_the_beat_task_creates_the_next_days_partitions_ahead():
    with time_machine.travel(T0, tick=False):
        created = ensure_partitions_task()
        event = record(AuditEvent.Kind.LOGIN, username="first")
        assert ensure_partitions_task() == []  # nothing left to do
    for log_class in partitions.LOG_CLASSES:
        for offset in range(-1, partitions.DAYS_AHEAD + 1):
            assert partitions.day_table(log_class, DAY0 + timedelta(days=offset)) in created
    assert len(created) == 4 * (partitions.DAYS_AHEAD + 2)
    assert partition_of(event) == "auditlog_auditevent_auth_p20260302"


@ON_POSTGRES
@pytest.mark.django_db
def test_a_write_on_a_day_without_partition_lands_in_the_default_and_is_not_lost():
    with time_machine.travel(T0 + timedelta(days=400), tick=False):
        event = record(AuditEvent.Kind.EXPORT, username="late")
        assert partition_of(event) == "auditlog_auditevent_export_default"
        # That day keeps its rows in the DEFAULT partition; the other days are made.
        created = ensure_partitions_task()
    assert partitions.day_table("export", timezone_date(event.at)) not in created
    assert partitions.day_table("auth", timezone_date(event.at)) in created
    assert verify_chain(notify_officers=False).ok


def timezone_date(moment):
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).date()


@ON_POSTGRES
@pytest.mark.django_db
def test_the_purge_drops_a_day_partition_and_its_checkpoint_keeps_the_chain_valid(short_retention):
    with time_machine.travel(T0, tick=False) as clock:
        ensure_partitions_task()
        events = log_ins(clock, days=[0, 1, 2])
        export = record(AuditEvent.Kind.EXPORT, username="kept")  # 90 days: not yet
        clock.move_to(T0 + timedelta(days=61))  # cutoff: day 1, 09:00
        with CaptureQueriesContext(connection) as queries:
            [purge] = purge_expired()
        verification = verify_chain(notify_officers=False)

    assert not exists("auditlog_auditevent_auth_p20260302") and exists("auditlog_auditevent_auth_p20260303")
    assert not deletes(queries)  # dropped, not deleted row by row
    assert (purge.log_class, purge.deleted, purge.batches) == ("auth", 3, 1)
    assert (purge.oldest_deleted_at, purge.newest_deleted_at) == (T0, T0 + timedelta(minutes=20))
    [checkpoint] = AuditEvent.objects.filter(kind=AuditEvent.Kind.CHECKPOINT)
    # Exactly what the batch delete records: the last event removed and its hash.
    assert checkpoint.detail["through_id"] == events[2].pk
    assert checkpoint.detail["through_hash"] == events[2].hash
    assert verification.ok, verification.message
    assert set(AuditEvent.objects.exclude(kind="checkpoint").values_list("pk", flat=True)) == {
        event.pk for event in events[3:]
    } | {export.pk}


@ON_POSTGRES
@pytest.mark.django_db
def test_a_purge_over_partitions_and_the_default_verifies_after_each_step(short_retention):
    """Day 0 was written before its partition existed (DEFAULT), days 1–2 into theirs: the purge
    drops the partitions and deletes the DEFAULT's rows, newest first, and the chain verifies."""
    with time_machine.travel(T0, tick=False) as clock:
        early = log_ins(clock, days=[0])
        clock.move_to(T0 + timedelta(days=1))
        ensure_partitions_task()
        later = log_ins(clock, days=[1, 2, 3])
        assert partition_of(early[0]) == "auditlog_auditevent_auth_default"
        clock.move_to(T0 + timedelta(days=63))  # cutoff: day 3, 09:00
        [purge] = purge_expired()
        first = verify_chain(notify_officers=False)
        clock.move_to(T0 + timedelta(days=64))
        [second] = purge_expired()
        again = verify_chain(notify_officers=False)
    assert (purge.deleted, purge.batches) == (9, 2 + 2)  # two partitions, three rows in two batches
    assert not exists("auditlog_auditevent_auth_p20260303")
    assert first.ok and again.ok, (first.message, again.message)
    assert (second.deleted, second.batches) == (3, 1)  # day 3; the first checkpoint stays
    remaining = AuditEvent.objects.filter(log_class="auth").exclude(kind="checkpoint")
    assert not remaining.filter(pk__in=[event.pk for event in early + later]).exists()


@ON_POSTGRES
@pytest.mark.django_db
def test_a_locked_partition_is_deleted_in_batches_instead(short_retention, monkeypatch):
    """If the DROP never gets its lock (a long reader), the rows go by the batch delete."""
    monkeypatch.setattr(partitions, "drop_partition", lambda name: False)
    with time_machine.travel(T0, tick=False) as clock:
        ensure_partitions_task()
        events = log_ins(clock, days=[0])
        clock.move_to(T0 + timedelta(days=61))
        [purge] = purge_expired()
        assert verify_chain(notify_officers=False).ok
    assert (purge.deleted, purge.batches) == (3, 2)
    assert not AuditEvent.objects.filter(pk__in=[event.pk for event in events]).exists()


@ON_POSTGRES
def test_the_partitions_refuse_update_and_delete_like_the_table(db):
    with time_machine.travel(T0, tick=False):
        ensure_partitions_task()
        event = record(AuditEvent.Kind.LOGIN, username="staff")
    with (
        pytest.raises(DatabaseError, match="审计日志只能追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM auditlog_auditevent_auth_p20260302 WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.fixture
def drop_new_partitions(transactional_db):
    """A transactional test's DDL is not rolled back: drop the partitions it made."""
    before = set()
    for log_class in partitions.LOG_CLASSES:
        before |= {name for name, _ in partitions.day_partitions(log_class)}
    yield
    for log_class in partitions.LOG_CLASSES:
        for name, _ in partitions.day_partitions(log_class):
            if name not in before:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP TABLE "{name}"')


@ON_POSTGRES
def test_a_write_from_another_connection_completes_while_the_purge_runs(short_retention, drop_new_partitions):
    """Measured in bench/bench_auditlog_purge.py (the longest wait); here: it completes."""
    with time_machine.travel(T0, tick=False) as clock:
        ensure_partitions_task()
        log_ins(clock, days=[0, 1], per_day=20)
        clock.move_to(T0 + timedelta(days=62))
        ensure_partitions_task()
        started, written, errors = threading.Event(), [], []

        def writer():
            try:
                started.set()
                for n in range(30):
                    written.append(record(AuditEvent.Kind.LOGIN_FAILED, username=f"w{n}", outcome="failure"))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        thread = threading.Thread(target=writer)
        thread.start()
        started.wait()
        [purge] = purge_expired()
        thread.join()
        verification = verify_chain(notify_officers=False)
    assert not errors and len(written) == 30
    assert purge.deleted == 40
    assert verification.ok, verification.message


@ON_POSTGRES
@pytest.mark.django_db
def test_the_migration_converts_an_existing_table_and_the_chain_verifies():
    migration = import_module("szmz_security.auditlog.migrations.0005_partition_by_class_and_day")

    class SchemaEditor:
        pass

    SchemaEditor.connection = connection
    with time_machine.travel(T0, tick=False) as clock:
        ensure_partitions_task()
        events = log_ins(clock, days=[0, 1, 20])
        migration.backward(None, SchemaEditor())  # as before migration 0005: one plain table
        assert not partitions.is_partitioned()
        events.append(record(AuditEvent.Kind.EXPORT, username="before"))
        migration.forward(None, SchemaEditor())
        after = record(AuditEvent.Kind.LOGIN, username="after")
    assert partitions.is_partitioned()
    stored = dict(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).values_list("pk", "hash"))
    assert stored == {event.pk: event.hash for event in events}
    assert after.pk > max(stored) and after.prev_hash == events[-2].hash
    assert partition_of(events[6]) == "auditlog_auditevent_auth_p20260322"  # a day that held rows
    assert verify_chain(notify_officers=False).ok
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=after.pk).delete()


@ON_SQLITE
@pytest.mark.django_db
def test_sqlite_keeps_one_table_and_the_batch_delete(short_retention):
    with time_machine.travel(T0, tick=False) as clock:
        assert ensure_partitions_task() == []
        log_ins(clock, days=[0])
        clock.move_to(T0 + timedelta(days=61))
        with CaptureQueriesContext(connection) as queries:
            [purge] = purge_expired()
        assert verify_chain(notify_officers=False).ok
    assert not partitions.is_partitioned()
    assert (purge.deleted, purge.batches, len(deletes(queries))) == (3, 2, 2)
