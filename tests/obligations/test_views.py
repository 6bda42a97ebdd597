"""The bell, the notification list and recording an obligation's completion in the browser."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from szmz_security.obligations import services
from szmz_security.obligations.models import Notification, NotificationReceipt, Obligation

pytestmark = pytest.mark.django_db


def unread_badge(html):
    """The number in the bell's badge, or None when the bell shows no badge."""
    match = re.search(r'data-testid="unread-count"[^>]*>(\d+)<', html)
    return int(match.group(1)) if match else None


def local_input(moment):
    """How the datetime-local input submits a time (Asia/Shanghai, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def field_errors(html, field):
    return re.findall(rf'<div[^>]*\bdata-field="{field}"[^>]*>(.*?)</div>', html)


@pytest.fixture
def notifications(staff, outsider):
    mine = [
        Notification.objects.create(recipients=[staff.pk], key=f"test:{n}", title=f"我的通知{n}")
        for n in range(3)
    ]
    read = Notification.objects.create(recipients=[staff.pk], key="test:old", title="我的已读通知")
    services.mark_read(staff, read)
    Notification.objects.create(recipients=[outsider.pk], key="test:theirs", title="别人的通知")
    return mine


def read_at(notification, user):
    return Notification.objects.visible_to(user).get(pk=notification.pk).read_at


@pytest.fixture
def obligation(department):
    return services.create_obligation(
        title="安全事件24小时内报公安机关",
        kind="incident.police_report",
        clause="市民政局制度 第三章第4条",
        due_at=timezone.now() + timedelta(hours=24),
        department=department,
    )


# --- the bell -------------------------------------------------------------------------------------


def test_the_bell_shows_my_unread_count_on_every_page(client, staff, notifications):
    client.force_login(staff)
    for url in ("/", "/obligations/", "/notifications/"):
        response = client.get(url)
        assert response.status_code == 200
        assert unread_badge(response.content.decode()) == 3, url


def test_the_bell_shows_no_badge_when_everything_is_read(client, outsider):
    client.force_login(outsider)
    html = client.get("/").content.decode()
    assert 'data-testid="bell"' in html
    assert unread_badge(html) is None


def test_marking_one_read_with_htmx_returns_the_bell_with_the_new_count(client, staff, notifications):
    client.force_login(staff)
    response = client.post(f"/notifications/{notifications[0].pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert unread_badge(html) == 2
    assert 'data-testid="bell"' in html
    assert "<html" not in html  # the partial, not the page
    assert read_at(notifications[0], staff) is not None
    assert unread_badge(client.get("/").content.decode()) == 2


def test_marking_all_read_with_htmx_clears_the_badge(client, staff, outsider, notifications):
    client.force_login(staff)
    response = client.post("/notifications/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert unread_badge(response.content.decode()) is None
    assert not Notification.objects.visible_to(staff).filter(read_at__isnull=True).exists()
    # Someone else's notifications are not touched.
    assert Notification.objects.visible_to(outsider).get().read_at is None


def test_without_htmx_marking_read_goes_back_to_the_page(client, staff, notifications):
    client.force_login(staff)
    response = client.post(f"/notifications/{notifications[1].pk}/read/", {"next": "/obligations/"})
    assert response.status_code == 302
    assert response["Location"] == "/obligations/"


def test_i_cannot_mark_someone_elses_notification_read(client, staff, outsider, notifications):
    theirs = Notification.objects.visible_to(outsider).get()
    client.force_login(staff)
    response = client.post(f"/notifications/{theirs.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404  # a message not sent to me does not exist for me
    assert read_at(theirs, outsider) is None
    assert not NotificationReceipt.objects.filter(notification=theirs).exists()
    assert unread_badge(client.get("/").content.decode()) == 3


def test_marking_read_needs_post_and_a_login(client, staff, notifications):
    client.force_login(staff)
    assert client.get(f"/notifications/{notifications[0].pk}/read/").status_code == 405
    client.logout()
    response = client.post(f"/notifications/{notifications[0].pk}/read/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert read_at(notifications[0], staff) is None


def test_the_notification_list_shows_only_my_notifications(client, staff, notifications):
    client.force_login(staff)
    html = client.get("/notifications/").content.decode()
    for n in range(3):
        assert f"我的通知{n}" in html
    assert "我的已读通知" in html
    assert "别人的通知" not in html
    assert html.count("未读</span>") == 3

    unread_only = client.get("/notifications/", {"unread": "true"}).content.decode()
    assert "我的已读通知" not in unread_only
    assert "我的通知0" in unread_only


def test_a_reminder_appears_in_the_bell_and_links_to_the_obligation(client, officer, obligation):
    services.sweep()
    client.force_login(officer)
    html = client.get("/notifications/").content.decode()
    assert unread_badge(html) == 1
    assert f'href="/obligations/{obligation.pk}/"' in html
    assert f"【新增待办】{obligation.title}" in html


# --- recording completion -------------------------------------------------------------------------


def test_an_officer_records_completion_with_evidence(client, officer, obligation):
    client.force_login(officer)
    page = client.get(f"/obligations/{obligation.pk}/").content.decode()
    assert "记录完成" in page
    assert "待办" in page

    response = client.post(
        f"/obligations/{obligation.pk}/meet/",
        {
            "met_at": local_input(timezone.now() - timedelta(minutes=30)),
            "evidence": "已报送市公安局网警支队，回执 GA-0302",
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"/obligations/{obligation.pk}/", 302)]
    html = response.content.decode()
    assert "已按期完成" in html
    assert "回执 GA-0302" in html
    assert "记录完成" not in html  # closed: the form is gone
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert obligation.met_by == officer


def test_completion_after_the_deadline_shows_met_late(client, officer, department):
    late = services.create_obligation(
        title="月度IP/MAC核查",
        kind="assets.reconciliation",
        clause="市民政局制度 第五章第3条",
        due_at=timezone.now() - timedelta(days=2),
        department=department,
    )
    client.force_login(officer)
    response = client.post(
        f"/obligations/{late.pk}/meet/",
        {"met_at": local_input(timezone.now() - timedelta(hours=1)), "evidence": "核查记录已归档"},
        follow=True,
    )
    assert "逾期完成" in response.content.decode()
    late.refresh_from_db()
    assert late.state == Obligation.State.MET_LATE


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"met_at": "future", "evidence": "回执 GA-0302"}, "met_at", "完成时间不能晚于当前时间。"),
        ({"met_at": "past", "evidence": ""}, "evidence", "该字段是必填项。"),
        ({"met_at": "past", "evidence": "   "}, "evidence", "该字段是必填项。"),
        ({"met_at": "", "evidence": "回执"}, "met_at", "该字段是必填项。"),
        ({"met_at": "昨天下午", "evidence": "回执"}, "met_at", "输入一个有效的日期/时间。"),
    ],
    ids=["future-time", "no-evidence", "blank-evidence", "no-time", "not-a-time"],
)
def test_bad_completion_gets_a_chinese_error_next_to_the_field(
    client, officer, obligation, data, field, message
):
    moments = {"future": timezone.now() + timedelta(days=1), "past": timezone.now() - timedelta(minutes=5)}
    if data["met_at"] in moments:
        data = {**data, "met_at": local_input(moments[data["met_at"]])}
    client.force_login(officer)
    response = client.post(f"/obligations/{obligation.pk}/meet/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, field) == [message]
    assert "记录完成" in html  # the form is shown again, with what was typed
    # still the whole page, with its breadcrumb and tabs
    assert 'href="/obligations/">义务</a>' in html
    assert f'href="/obligations/{obligation.pk}/history/"' in html
    if data["evidence"].strip():
        assert data["evidence"] in html
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.OPEN
    assert obligation.met_at is None
    assert obligation.evidence == ""
    assert obligation.history.count() == 1


def test_waiving_without_a_reason_is_refused_next_to_the_field(client, officer, obligation):
    client.force_login(officer)
    response = client.post(f"/obligations/{obligation.pk}/waive/", {"reason": ""})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "reason") == ["该字段是必填项。"]
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.OPEN

    response = client.post(
        f"/obligations/{obligation.pk}/waive/", {"reason": "事件经核实为误报"}, follow=True
    )
    html = response.content.decode()
    assert "不再需要" in html
    assert "事件经核实为误报" in html
    obligation.refresh_from_db()
    assert (obligation.state, obligation.waived_by, obligation.waived_reason) == (
        "waived",
        officer,
        "事件经核实为误报",
    )


def test_staff_of_another_department_do_not_see_the_obligation(client, outsider, obligation):
    client.force_login(outsider)
    assert client.get(f"/obligations/{obligation.pk}/").status_code == 404
    response = client.post(
        f"/obligations/{obligation.pk}/meet/", {"met_at": local_input(timezone.now()), "evidence": "回执"}
    )
    assert response.status_code == 404
    assert "安全事件24小时内报公安机关" not in client.get("/obligations/").content.decode()
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.OPEN


def test_staff_of_the_own_department_see_but_may_not_record_completion(client, staff, obligation):
    client.force_login(staff)
    page = client.get(f"/obligations/{obligation.pk}/")
    assert page.status_code == 200
    assert "记录完成" not in page.content.decode()

    response = client.post(
        f"/obligations/{obligation.pk}/meet/", {"met_at": local_input(timezone.now()), "evidence": "回执"}
    )
    assert response.status_code == 403
    assert client.post(f"/obligations/{obligation.pk}/waive/", {"reason": "不需要"}).status_code == 403
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.OPEN


def test_the_department_head_may_record_completion(client, head, obligation):
    client.force_login(head)
    response = client.post(
        f"/obligations/{obligation.pk}/meet/",
        {"met_at": local_input(timezone.now()), "evidence": "处室已报送"},
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET


def test_bell_caps_a_large_unread_count_at_99_plus(client, staff):
    Notification.objects.bulk_create(
        Notification(recipients=[staff.pk], key=f"bulk:{n}", title=f"通知{n}") for n in range(120)
    )
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert re.search(r'data-testid="unread-count"[^>]*>99\+<', html)
    for notification in Notification.objects.exclude(key__in=["bulk:1", "bulk:2"]):
        services.mark_read(staff, notification)
    assert unread_badge(client.get("/").content.decode()) == 2


def test_the_notification_list_filters_by_my_email_status_and_level(client, staff, outsider):
    mailed = services.notify([staff, outsider], key="test:mailed", title="已发邮件的通知", level="danger")
    Notification.objects.create(recipients=[staff.pk], key="test:bell", title="仅站内的通知")
    services.deliver_email()
    assert Notification.objects.visible_to(staff).get(pk=mailed.pk).email_status == "sent"
    client.force_login(staff)
    sent = client.get("/notifications/", {"email_status": "sent"}).content.decode()
    assert "已发邮件的通知" in sent and "仅站内的通知" not in sent
    danger = client.get("/notifications/", {"level": "danger"}).content.decode()
    assert "已发邮件的通知" in danger and "仅站内的通知" not in danger
