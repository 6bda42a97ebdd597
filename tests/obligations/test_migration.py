"""Migration 0004 turns the per-recipient rows into messages and receipts, keeping who was told,
who read it and each e-mail's state (issue #14's leaner design)."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from szmz_security.obligations.models import Notification, NotificationReceipt
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("obligations", "0003_notification_messages")]
LATEST = [("obligations", "0005_notification_drop_per_recipient_columns")]
conversion = importlib.import_module(
    "szmz_security.obligations.migrations.0004_notification_rows_to_messages"
)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_per_recipient_rows_become_one_message_with_receipts(monkeypatch):
    monkeypatch.setattr(conversion, "BATCH", 2)  # several rounds of keys
    alice, bob, carol = (UserFactory(username=name) for name in ("alice", "bob", "carol"))
    read_at = timezone.now()
    try:
        old = migrate(BEFORE).get_model("obligations", "Notification")
        for key in ("k:1", "k:2", "k:3"):
            for user in (alice, bob, carol):
                old.objects.create(recipient_id=user.pk, key=key, title=f"标题 {key}", stage="created")
        old.objects.filter(key="k:1", recipient_id=alice.pk).update(read_at=read_at, email_status="sent")
        old.objects.filter(key="k:2", recipient_id=bob.pk).update(
            email_status="failed", email_attempts=8, email_error="拒绝连接"
        )
        old.objects.filter(key="k:3", recipient_id=carol.pk).update(email_status="pending")
    finally:
        migrate(LATEST)

    messages = Notification.objects.order_by("key")
    assert [(m.key, m.title, sorted(m.recipients)) for m in messages] == [
        (key, f"标题 {key}", sorted([alice.pk, bob.pk, carol.pk])) for key in ("k:1", "k:2", "k:3")
    ]
    assert not messages.filter(email_fanout_due=True).exists()
    receipts = NotificationReceipt.objects.order_by("notification__key")
    assert list(receipts.values_list("notification__key", "recipient__username", "email_status")) == [
        ("k:1", "alice", "sent"),
        ("k:2", "bob", "failed"),
        ("k:3", "carol", "pending"),
    ]
    assert receipts.get(recipient=alice).read_at == read_at
    assert receipts.get(recipient=bob).email_error == "拒绝连接"
    assert Notification.objects.visible_to(alice).get(key="k:1").read_at == read_at
    assert Notification.objects.visible_to(bob).get(key="k:1").read_at is None
