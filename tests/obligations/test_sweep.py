"""The reminder sweep (DESIGN.md §3–4): who is told what, when, exactly once.

Deadlines are reached by moving the clock (time-machine, ``tick=False``), never by sleeping.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from szmz_security.obligations import services
from szmz_security.obligations.models import Notification, NotificationReceipt, Obligation
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
OWNER_STAGES = ("created", "halfway", "due_soon", "breach")


def make_obligation(department, *, due_in=timedelta(hours=24), **kwargs):
    kwargs.setdefault("title", "安全事件24小时内报公安机关")
    kwargs.setdefault("kind", "incident.police_report")
    kwargs.setdefault("clause", "市民政局制度 第三章第4条")
    return services.create_obligation(department=department, due_at=timezone.now() + due_in, **kwargs)


def deliveries():
    """(recipient, stage) of every message sent so far, once per recipient it names."""
    usernames = dict(get_user_model().objects.values_list("pk", "username"))
    return [
        (usernames[user_id], stage)
        for stage, recipients in Notification.objects.values_list("stage", "recipients")
        for user_id in recipients
    ]


def received():
    return set(deliveries())


def told():
    """How many people all the messages reached, counted once per message."""
    return len(deliveries())


class Inbox:
    """What each sweep added since the previous look."""

    def __init__(self):
        self.seen = received()

    def new(self):
        now = received()
        added, self.seen = now - self.seen, now
        return added


OWNERS = {"officer", "head", "staff"}  # usernames: the assignee is the "staff" user


def to(users, stage):
    return {(username, stage) for username in users}


def test_each_stage_fires_once_at_its_time_to_its_audience(department, people):
    with time_machine.travel(T0, tick=False) as clock:
        obligation = make_obligation(department, assignee=people["assignee"])
        inbox = Inbox()

        services.sweep()
        assert inbox.new() == to(OWNERS, "created")

        clock.move_to(T0 + timedelta(hours=11, minutes=59))
        services.sweep()
        assert inbox.new() == set()

        clock.move_to(T0 + timedelta(hours=12))
        services.sweep()
        assert inbox.new() == to(OWNERS, "halfway")

        clock.move_to(T0 + timedelta(hours=21, minutes=59))
        services.sweep()
        assert inbox.new() == set()

        clock.move_to(T0 + timedelta(hours=22))  # two hours before the deadline
        services.sweep()
        assert inbox.new() == to(OWNERS, "due_soon")

        clock.move_to(T0 + timedelta(hours=24))  # the deadline
        services.sweep()
        assert inbox.new() == to(OWNERS, "breach")

        clock.move_to(T0 + timedelta(hours=24, minutes=59))
        services.sweep()
        assert inbox.new() == set()

        clock.move_to(T0 + timedelta(hours=25))  # an hour overdue: escalation reaches leadership
        services.sweep()
        assert inbox.new() == to(OWNERS | {"leader"}, "escalation")

        for later in (timedelta(hours=26), timedelta(days=3), timedelta(days=60)):
            clock.move_to(T0 + later)
            services.sweep()
            assert inbox.new() == set()

    # Nobody outside the obligation's audience ever heard of it.
    everyone = {username for username, _ in received()}
    assert everyone == OWNERS | {"leader"}
    obligation.refresh_from_db()
    assert obligation.next_reminder_at is None
    assert obligation.is_overdue(T0 + timedelta(days=60))


def test_notifications_say_what_and_when(department, people):
    with time_machine.travel(T0, tick=False) as clock:
        obligation = make_obligation(department, assignee=people["assignee"], authority="市公安局网警支队")
        clock.move_to(T0 + timedelta(hours=25))
        services.sweep()
    escalation = Notification.objects.for_user(people["leader"]).get(stage="escalation")
    assert escalation.title == f"【逾期升级】{obligation.title}"
    assert "2026-03-03 09:00 到期，逾期 1 小时" in escalation.body
    assert "市民政局制度 第三章第4条" in escalation.body
    assert "市公安局网警支队" in escalation.body
    assert escalation.url == f"/obligations/{obligation.pk}/"
    assert escalation.level == Notification.Level.DANGER


def test_a_doubled_sweep_sends_nothing_twice(department, people, mailoutbox):
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, assignee=people["assignee"])
        services.sweep()
        services.sweep()
        assert (Notification.objects.count(), told()) == (1, len(OWNERS))

        clock.move_to(T0 + timedelta(hours=25))
        services.sweep()
        services.sweep()
        services.deliver_email()
        services.deliver_email()

    stages = deliveries()
    assert len(stages) == len(set(stages))
    # created, then (all at once, after a long silence) breach for owners and escalation for all
    assert set(stages) == to(OWNERS, "created") | to(OWNERS, "breach") | to(OWNERS | {"leader"}, "escalation")
    assert len(mailoutbox) == len(stages)
    assert len({(tuple(mail.to), mail.subject) for mail in mailoutbox}) == len(mailoutbox)


def test_a_retried_sweep_that_read_the_row_before_the_first_committed_sends_nothing_twice(department, people):
    """The unique key of the message is what guarantees once-only, not the bookkeeping columns."""
    with time_machine.travel(T0, tick=False):
        obligation = make_obligation(department, assignee=people["assignee"])
        stale = (
            Obligation.objects.filter(pk=obligation.pk).values("last_stage_index", "next_reminder_at").get()
        )
        services.sweep()
        Obligation.objects.filter(pk=obligation.pk).update(**stale)  # as the retried task saw it
        services.sweep()
    assert (Notification.objects.count(), told()) == (1, len(OWNERS))


def test_a_deadline_already_past_is_overdue_and_escalated_on_the_first_sweep(department, people):
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, due_in=-timedelta(hours=3), assignee=people["assignee"])
        inbox = Inbox()
        services.sweep()
        assert inbox.new() == to(OWNERS, "breach") | to(OWNERS | {"leader"}, "escalation")

        clock.move_to(T0 + timedelta(days=2))
        services.sweep()
        assert inbox.new() == set()
    assert set(Notification.objects.filter(stage="breach").values_list("level", flat=True)) == {"danger"}


def test_a_deadline_just_past_is_overdue_at_once_and_escalated_an_hour_after_it(department, people):
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, due_in=-timedelta(minutes=30), assignee=people["assignee"])
        inbox = Inbox()
        services.sweep()
        assert inbox.new() == to(OWNERS, "breach")

        clock.move_to(T0 + timedelta(minutes=30))
        services.sweep()
        assert inbox.new() == to(OWNERS | {"leader"}, "escalation")


@pytest.mark.parametrize("close", ["meet", "waive"])
def test_a_closed_obligation_gets_no_more_reminders(department, people, officer, close):
    with time_machine.travel(T0, tick=False) as clock:
        obligation = make_obligation(department, assignee=people["assignee"])
        services.sweep()
        inbox = Inbox()

        clock.move_to(T0 + timedelta(hours=3))
        if close == "meet":
            services.meet(obligation, by=officer, evidence="已报送，回执编号 GA-2026-0302")
        else:
            services.waive(obligation, by=officer, reason="经核实为误报，无需报送")

        for later in (timedelta(hours=12), timedelta(hours=24), timedelta(hours=25), timedelta(days=10)):
            clock.move_to(T0 + later)
            services.sweep()
            assert inbox.new() == set()


def test_meeting_after_the_deadline_is_met_late(department, officer):
    with time_machine.travel(T0, tick=False) as clock:
        on_time = make_obligation(department)
        late = make_obligation(department)
        clock.move_to(T0 + timedelta(hours=23, minutes=59))
        services.meet(on_time, by=officer, evidence="回执 1")
        clock.move_to(T0 + timedelta(hours=24, minutes=1))
        services.meet(late, by=officer, evidence="回执 2")

    on_time.refresh_from_db()
    late.refresh_from_db()
    assert (on_time.state, on_time.get_state_display()) == ("met", "已按期完成")
    assert (late.state, late.get_state_display()) == ("met_late", "逾期完成")
    assert late.met_by == officer
    assert late.met_at == T0 + timedelta(hours=24, minutes=1)
    assert late.evidence == "回执 2"
    # Met late is closed, not "overdue", from then on.
    assert late.display_state(T0 + timedelta(days=5)) == "逾期完成"


def test_meeting_needs_evidence_and_happens_once(department, officer):
    obligation = make_obligation(department)
    with pytest.raises(ValidationError) as error:
        services.meet(obligation, by=officer, evidence="   ")
    assert "请填写完成证据" in error.value.message_dict["evidence"][0]
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.OPEN

    services.meet(obligation, by=officer, evidence="回执")
    with pytest.raises(ValidationError):
        services.meet(obligation, by=officer, evidence="再次")


def test_waiving_needs_a_reason_and_keeps_the_row_with_who_and_why(department, officer):
    with time_machine.travel(T0, tick=False):
        obligation = make_obligation(department)
        with pytest.raises(ValidationError) as error:
            services.waive(obligation, by=officer, reason="  ")
        assert "请说明不再需要的原因" in error.value.message_dict["waived_reason"][0]
        assert Obligation.objects.get(pk=obligation.pk).state == Obligation.State.OPEN

        services.waive(obligation, by=officer, reason="经核实为误报，无需报送")

    kept = Obligation.objects.get(pk=obligation.pk)
    assert kept.state == Obligation.State.WAIVED
    assert kept.get_state_display() == "不再需要"
    assert kept.waived_by == officer
    assert kept.waived_reason == "经核实为误报，无需报送"
    assert kept.waived_at == T0
    latest = kept.history.latest()
    assert latest.history_change_reason == "不再需要：经核实为误报，无需报送"


def test_a_restricted_obligation_is_not_announced_to_the_department_head(department, people):
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(
            department,
            restricted=True,
            assignee=people["assignee"],
            notify_roles=["secrecy_office"],
            title="泄密事件报保密办",
        )
        secrecy = UserFactory(username="secrecy", roles=["secrecy_office"])
        for hours in (0, 12, 22, 24, 25):
            clock.move_to(T0 + timedelta(hours=hours))
            services.sweep()

    told = {username for username, _ in received()}
    assert "head" not in told
    assert told == {secrecy.username, "staff", "leader"}
    assert to({"secrecy", "staff"}, "created") <= received()
    assert to({"secrecy", "staff", "leader"}, "escalation") <= received()


def test_a_restricted_obligation_is_announced_without_its_title(department, people, mailoutbox):
    """Leadership is escalated a leak's deadline but may not read the leak: neither the bell nor
    the e-mail quotes the record."""
    with time_machine.travel(T0, tick=False) as clock:
        obligation = make_obligation(
            department, restricted=True, notify_roles=["secrecy_office"], title="泄密事件：某处室U盘丢失"
        )
        clock.move_to(T0 + timedelta(hours=25))
        services.sweep()
        services.deliver_email()

    escalation = Notification.objects.for_user(people["leader"]).get(stage="escalation")
    assert escalation.title == f"【逾期升级】知悉范围受限事项（待办 #{obligation.pk}）"
    assert "U盘" not in escalation.body and "逾期 1 小时" in escalation.body
    assert mailoutbox and not any("U盘" in mail.subject + mail.body for mail in mailoutbox)


def test_an_unrestricted_obligation_reaches_only_its_own_department_head(department, people):
    make_obligation(department)
    services.sweep()
    told = {username for username, _ in received()}
    assert "head" in told
    assert "other_head" not in told


LAST_HOUR = {"key": "last_hour", "label": "1小时内到期", "offset_minutes": -60, "audience": "owners"}


@pytest.mark.parametrize("where", ["in-time-order", "appended"])
def test_stages_are_configured_in_settings(department, people, settings, where):
    defaults = settings.OBLIGATION_REMINDER_STAGES
    if where == "appended":  # the natural edit; breach and escalation must still follow
        settings.OBLIGATION_REMINDER_STAGES = [*defaults, LAST_HOUR]
    else:
        settings.OBLIGATION_REMINDER_STAGES = [*defaults[:3], LAST_HOUR, *defaults[3:]]
    with time_machine.travel(T0, tick=False) as clock:
        obligation = make_obligation(department, assignee=people["assignee"])
        inbox = Inbox()
        for hours in (0, 12, 22):
            clock.move_to(T0 + timedelta(hours=hours))
            services.sweep()
        inbox.new()

        clock.move_to(T0 + timedelta(hours=22, minutes=59))
        services.sweep()
        assert inbox.new() == set()

        clock.move_to(T0 + timedelta(hours=23))
        services.sweep()
        assert inbox.new() == to(OWNERS, "last_hour")
        assert (
            Notification.objects.filter(stage="last_hour").first().title
            == f"【1小时内到期】{obligation.title}"
        )

        # The stages after it still follow.
        clock.move_to(T0 + timedelta(hours=24))
        services.sweep()
        assert inbox.new() == to(OWNERS, "breach")
        clock.move_to(T0 + timedelta(hours=25))
        services.sweep()
        assert inbox.new() == to(OWNERS | {"leader"}, "escalation")


def test_a_bureau_can_configure_fewer_stages(department, people, settings):
    settings.OBLIGATION_REMINDER_STAGES = [
        {"key": "daily_digest", "label": "待办提示", "fraction": 0.25, "audience": "owners"},
        {"key": "overdue", "label": "已逾期并上报", "offset_minutes": 0, "audience": "escalation"},
    ]
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, assignee=people["assignee"])
        inbox = Inbox()
        services.sweep()
        assert inbox.new() == set()
        clock.move_to(T0 + timedelta(hours=6))
        services.sweep()
        assert inbox.new() == to(OWNERS, "daily_digest")
        clock.move_to(T0 + timedelta(hours=24))
        services.sweep()
        assert inbox.new() == to(OWNERS | {"leader"}, "overdue")


def test_a_misconfigured_stage_is_refused(department, settings):
    settings.OBLIGATION_REMINDER_STAGES = [
        {"key": "x", "label": "x", "fraction": 0.5, "offset_minutes": 0, "audience": "owners"}
    ]
    with pytest.raises(ValueError, match="exactly one of fraction / offset_minutes"):
        make_obligation(department)


# --- e-mail ---------------------------------------------------------------------------------------


def test_each_pending_notification_is_mailed_once(department, people, mailoutbox):
    with time_machine.travel(T0, tick=False):
        obligation = make_obligation(department, assignee=people["assignee"])
        services.sweep()
        assert services.deliver_email() == {"sent": len(OWNERS), "failed": 0, "retrying": 0}

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(f"{name}@szmz.example" for name in OWNERS)
    mail = mailoutbox[0]
    assert mail.subject == f"[深圳市民政局信息安全] 【新增待办】{obligation.title}"
    assert f"/obligations/{obligation.pk}/" in mail.body
    assert set(NotificationReceipt.objects.values_list("email_status", flat=True)) == {"sent"}
    assert NotificationReceipt.objects.filter(emailed_at=T0).count() == len(OWNERS)

    assert services.deliver_email() == {"sent": 0, "failed": 0, "retrying": 0}
    assert len(mailoutbox) == len(OWNERS)


def test_a_user_without_email_gets_the_bell_only(department, people, mailoutbox):
    people["assignee"].email = ""
    people["assignee"].save()
    make_obligation(department, assignee=people["assignee"])
    services.sweep()
    services.deliver_email()

    bell_only = Notification.objects.visible_to(people["assignee"]).get()
    assert bell_only.email_status == NotificationReceipt.EmailStatus.NONE
    assert bell_only.read_at is None
    assert not NotificationReceipt.objects.filter(recipient=people["assignee"]).exists()
    assert sorted(mail.to[0] for mail in mailoutbox) == ["head@szmz.example", "officer@szmz.example"]


def _refuse_mail_to(monkeypatch, address):
    real_send = services.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [address]:
            raise ConnectionRefusedError("SMTP 服务器拒绝连接")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(services.EmailMessage, "send", send)
    return real_send


def test_a_failed_mail_is_retried_later_and_does_not_stop_the_others(
    department, people, mailoutbox, monkeypatch
):
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, assignee=people["assignee"])
        services.sweep()
        real_send = _refuse_mail_to(monkeypatch, "head@szmz.example")
        assert services.deliver_email() == {"sent": 2, "failed": 0, "retrying": 1}
        waiting = NotificationReceipt.objects.get(recipient__username="head")
        assert waiting.email_status == NotificationReceipt.EmailStatus.PENDING
        assert "拒绝连接" in waiting.email_error
        assert len(mailoutbox) == 2

        # Not before its retry time; then, with the mail server back, it goes out once.
        assert services.deliver_email() == {"sent": 0, "failed": 0, "retrying": 0}
        monkeypatch.setattr(services.EmailMessage, "send", real_send)
        clock.shift(timedelta(minutes=2))
        assert services.deliver_email() == {"sent": 1, "failed": 0, "retrying": 0}
    assert sorted(mail.to[0] for mail in mailoutbox).count("head@szmz.example") == 1
    assert (
        NotificationReceipt.objects.get(recipient__username="head").email_status
        == NotificationReceipt.EmailStatus.SENT
    )


def test_a_mail_that_keeps_failing_is_given_up_with_its_error(
    department, people, mailoutbox, monkeypatch, settings
):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 3
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, assignee=people["assignee"])
        services.sweep()
        _refuse_mail_to(monkeypatch, "head@szmz.example")
        results = []
        for _ in range(4):
            results.append(services.deliver_email())
            clock.shift(timedelta(hours=6))
    assert [result["retrying"] for result in results] == [1, 1, 0, 0]
    assert [result["failed"] for result in results] == [0, 0, 1, 0]
    given_up = NotificationReceipt.objects.get(recipient__username="head")
    assert given_up.email_status == NotificationReceipt.EmailStatus.FAILED
    assert given_up.email_attempts == 3
    assert "拒绝连接" in given_up.email_error


def test_a_mail_claimed_by_a_sender_that_died_is_sent_after_the_lease(department, people, mailoutbox):
    with time_machine.travel(T0, tick=False) as clock:
        make_obligation(department, assignee=people["assignee"])
        services.sweep()
        assert services.fan_out_email() == 1
        # A sender claimed every receipt and died before sending.
        NotificationReceipt.objects.update(
            email_status=NotificationReceipt.EmailStatus.SENDING,
            email_attempts=1,
            email_next_attempt_at=timezone.now() + services.EMAIL_LEASE,
        )
        assert services.deliver_email()["sent"] == 0
        clock.shift(services.EMAIL_LEASE + timedelta(seconds=1))
        assert services.deliver_email()["sent"] == len(OWNERS)
    assert len(mailoutbox) == len(OWNERS)


# --- set-based: statements and catching up ----------------------------------------------------


def _file(count, department):
    for number in range(count):
        # every row its own department or assignee: recipients differ from row to row
        make_obligation(
            DepartmentFactory() if number % 2 else department,
            assignee=UserFactory() if number % 3 else None,
        )


def test_the_sweep_issues_as_many_statements_for_50_due_obligations_as_for_5(
    department, people, django_assert_max_num_queries
):
    with time_machine.travel(T0, tick=False) as clock:
        _file(5, department)
        with CaptureQueriesContext(connection) as five:
            assert services.sweep()["obligations"] == 5
        clock.shift(timedelta(minutes=1))  # the next round of obligations, stages not yet due

        _file(50, department)
        with django_assert_max_num_queries(len(five)):
            result = services.sweep()
        assert result["obligations"] == 50
        assert result["notifications"] == Notification.objects.count() - len(received_by_stage("created", 5))

        # Breach and escalation of all 55 at once: still the same statements.
        clock.move_to(T0 + timedelta(hours=26))
        with django_assert_max_num_queries(len(five)):
            assert services.sweep()["obligations"] == 55
    assert (
        Notification.objects.filter(stage="escalation").order_by().values("obligation").distinct().count()
        == 55
    )


def received_by_stage(stage, first):
    """The notifications of ``stage`` about the first ``first`` obligations filed."""
    firsts = Obligation.objects.order_by("pk")[:first]
    return list(Notification.objects.filter(stage=stage, obligation__in=firsts))


def test_a_sweep_that_ran_late_sends_the_latest_owner_stage_and_the_escalation_once(
    department, people, mailoutbox
):
    """After a long outage nothing is lost and nothing is repeated: the owners hear the latest
    stage they missed (not every one), the escalation reaches leadership, once."""
    with time_machine.travel(T0, tick=False) as clock:
        obligation = make_obligation(department, assignee=people["assignee"])
        services.sweep()
        inbox = Inbox()

        clock.move_to(T0 + timedelta(days=3))  # no sweep for three days
        assert services.sweep() == {"obligations": 1, "notifications": 2}  # breach, escalation
        assert told() == len(OWNERS) + len(OWNERS) + len(OWNERS) + 1
        assert inbox.new() == to(OWNERS, "breach") | to(OWNERS | {"leader"}, "escalation")
        escalation = Notification.objects.for_user(people["leader"]).get(stage="escalation")
        assert "逾期 48 小时" in escalation.body
        assert escalation.level == Notification.Level.DANGER

        for later in (timedelta(days=3, minutes=1), timedelta(days=30)):
            clock.move_to(T0 + later)
            assert services.sweep() == {"obligations": 0, "notifications": 0}
        services.deliver_email()
    obligation.refresh_from_db()
    assert (obligation.last_stage_index, obligation.next_reminder_at) == (4, None)
    assert len(mailoutbox) == told()


def test_a_sweep_repeated_from_stale_bookkeeping_inserts_and_mails_nothing_again(
    department, people, mailoutbox
):
    with time_machine.travel(T0, tick=False) as clock:
        _file(12, department)
        clock.move_to(T0 + timedelta(hours=25))
        stale = list(Obligation.objects.values("pk", "last_stage_index", "next_reminder_at"))
        first = services.sweep()
        services.deliver_email()
        for row in stale:  # as a retried task that read the rows before the first committed
            Obligation.objects.filter(pk=row.pop("pk")).update(**row)
        again = services.sweep()
        services.deliver_email()
    assert first["obligations"] == again["obligations"] == 12
    assert first["notifications"] == Notification.objects.count() > 12
    assert again["notifications"] == 0
    assert len(mailoutbox) == NotificationReceipt.objects.exclude(email_status="none").count() > 12
    # (the body names the obligation's page: the titles are all alike)
    assert len({(tuple(mail.to), mail.subject, mail.body) for mail in mailoutbox}) == len(mailoutbox)


def test_an_inactive_role_holder_is_not_told(department, people):
    people["officer"].is_active = False
    people["officer"].save()
    make_obligation(department, assignee=people["assignee"])
    services.sweep()
    assert {username for username, _ in received()} == {"head", "staff"}


def test_the_sweep_reads_only_rows_whose_next_stage_is_due(department):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(20):
            make_obligation(department)
        services.sweep()
        clock.move_to(T0 + timedelta(hours=6))
        assert services.sweep() == {"obligations": 0, "notifications": 0}
