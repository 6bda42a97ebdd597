"""Issue #14's leaner design: one message per obligation stage (or one-off key), its recipients
fixed when it is sent, each person's read and e-mail state in a receipt written when it happens."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from szmz_security.obligations import services
from szmz_security.obligations.models import Notification, NotificationReadMark, NotificationReceipt
from tests.factories import UserFactory
from tests.obligations.test_sweep import make_obligation

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def mine(user):
    return set(Notification.objects.visible_to(user).values_list("stage", flat=True))


def test_one_message_per_stage_names_its_recipients(department, people):
    make_obligation(department, assignee=people["assignee"])
    assert services.sweep() == {"obligations": 1, "notifications": 1}
    message = Notification.objects.get()
    expected = {people[name].pk for name in ("officer", "head", "assignee")}
    assert sorted(message.recipients) == sorted(expected)
    assert message.email_fanout_due
    for name in ("officer", "head", "assignee"):
        assert mine(people[name]) == {"created"}
    for name in ("leader", "outsider", "other_head"):
        assert mine(people[name]) == set()


def test_recipients_are_fixed_when_sent(department, people):
    """Who was told is part of the record: someone given the role afterwards does not see an old
    message, and someone who lost it still does."""
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, assignee=people["assignee"])
        services.sweep()
        newcomer = UserFactory(username="newcomer", roles=["security_officer"])
        people["officer"].groups.clear()
        assert mine(newcomer) == set()
        assert mine(people["officer"]) == {"created"}

        clock.move_to(T0 + timedelta(hours=12))  # the next stage goes to today's holders
        services.sweep()
    assert mine(newcomer) == {"halfway"}
    assert mine(people["officer"]) == {"created"}


def test_read_state_is_per_person(client, department, people):
    make_obligation(department, assignee=people["assignee"])
    services.sweep()
    message = Notification.objects.get()
    officer, head = people["officer"], people["head"]
    assert Notification.objects.unread_badge(officer) == Notification.objects.unread_badge(head) == 1

    client.force_login(officer)
    assert client.post(f"/notifications/{message.pk}/read/").status_code == 302
    assert Notification.objects.unread_badge(officer) == 0
    assert Notification.objects.unread_badge(head) == 1
    assert Notification.objects.visible_to(officer).get().read_at is not None
    assert Notification.objects.visible_to(head).get().read_at is None
    [receipt] = NotificationReceipt.objects.all()  # the reading is the only row written
    assert (receipt.recipient, receipt.email_status) == (officer, NotificationReceipt.EmailStatus.NONE)

    # Reading twice keeps the first time.
    first = receipt.read_at
    client.post(f"/notifications/{message.pk}/read/")
    receipt.refresh_from_db()
    assert receipt.read_at == first


def test_mark_all_read_is_a_time_not_a_row_per_message(client, staff):
    with time_machine.travel(T0, tick=False) as clock:
        for n in range(150):
            services.notify([staff], key=f"test:{n}", title=f"通知{n}")
        assert Notification.objects.unread_badge(staff) == "99+"
        client.force_login(staff)
        clock.shift(timedelta(minutes=1))
        client.post("/notifications/read/")
        assert NotificationReadMark.objects.get(user=staff).read_through == T0 + timedelta(minutes=1)
        assert not NotificationReceipt.objects.exclude(read_at=None).exists()
        assert Notification.objects.unread_badge(staff) == 0
        assert not Notification.objects.visible_to(staff).filter(read_at__isnull=True).exists()

        clock.shift(timedelta(minutes=1))  # a message sent afterwards is unread
        services.notify([staff], key="test:later", title="新通知")
        assert Notification.objects.unread_badge(staff) == 1
        unread = Notification.objects.visible_to(staff).filter(read_at__isnull=True)
        assert list(unread.values_list("key", flat=True)) == ["test:later"]


def bell(html):
    found = re.search(rb'data-testid="unread-count">(\d+)', html)
    return int(found.group(1)) if found else 0


def test_the_bell_of_a_signed_in_user_follows_mark_all_read_in_one_query(client, staff):
    """The request's user arrives with its mark-all-read time (accounts/backends.py): the htmx bell
    right after marking, and the next pages, show the new count."""
    with time_machine.travel(T0, tick=False) as clock:
        services.notify([staff], key="test:before", title="旧通知")
        client.force_login(staff)
        assert bell(client.get("/").content) == 1
        clock.shift(timedelta(minutes=1))
        assert bell(client.post("/notifications/read/", headers={"HX-Request": "true"}).content) == 0
        assert bell(client.get("/").content) == 0
        clock.shift(timedelta(minutes=1))
        services.notify([staff], key="test:after", title="新通知")
        with CaptureQueriesContext(connection) as queries:
            assert bell(client.get("/").content) == 1
        assert not [q for q in queries if "notificationreadmark" in q["sql"] and "auth_user" not in q["sql"]]


def test_email_is_fanned_out_once_even_with_two_deliveries(department, people, mailoutbox):
    people["head"].email = ""
    people["head"].save()
    make_obligation(department, assignee=people["assignee"])
    services.sweep()
    assert services.fan_out_email() == 1
    assert services.fan_out_email() == 0  # the message is marked done
    Notification.objects.update(email_fanout_due=True)  # as a second sender that read it first
    services.fan_out_email()
    services.deliver_email()
    services.deliver_email()
    receipts = NotificationReceipt.objects.order_by("recipient__username")
    # Only the recipients with an address get a receipt; the one without keeps the bell only.
    assert list(receipts.values_list("recipient__username", "email_status")) == [
        ("officer", "sent"),
        ("staff", "sent"),
    ]
    assert sorted(mail.to[0] for mail in mailoutbox) == ["officer@szmz.example", "staff@szmz.example"]


def test_someone_who_read_it_before_the_fan_out_is_still_mailed_once(department, people, mailoutbox):
    make_obligation(department, assignee=people["assignee"])
    services.sweep()
    services.mark_read(people["officer"], Notification.objects.get())
    services.deliver_email()
    services.deliver_email()
    assert sorted(mail.to[0] for mail in mailoutbox).count("officer@szmz.example") == 1
    receipt = NotificationReceipt.objects.get(recipient=people["officer"])
    assert receipt.read_at is not None and receipt.email_status == "sent"


def test_a_one_off_notify_adds_new_users_and_never_resends_to_earlier_ones(staff, head, officer, mailoutbox):
    services.notify([staff], key="audit:1", title="审计日志完整性校验失败")
    services.deliver_email()
    services.notify([staff, head], key="audit:1", title="审计日志完整性校验失败")
    services.deliver_email()
    services.notify([head], key="audit:1", title="审计日志完整性校验失败")
    services.deliver_email()

    message = Notification.objects.get()
    assert message.recipients == [staff.pk, head.pk]
    assert [mail.to[0] for mail in mailoutbox] == ["staff@szmz.example", "head@szmz.example"]
    assert mine(officer) == set()
    assert Notification.objects.unread_badge(head) == 1


def test_the_api_lists_my_messages_with_my_state(client, department, people):
    make_obligation(department, assignee=people["assignee"])
    services.sweep()
    services.deliver_email()
    services.mark_read(people["officer"], Notification.objects.get())
    client.force_login(people["officer"])
    [row] = client.get("/api/notifications/").json()["results"]
    assert row["read_at"] is not None and row["email_status"] == "sent"
    client.force_login(people["outsider"])
    assert client.get("/api/notifications/").json()["results"] == []
    assert client.get(f"/api/notifications/{row['id']}/").status_code == 404
