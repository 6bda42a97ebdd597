"""The incident pages as a user meets them: the report form, deletion, and need-to-know leaks."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from szmz_security.auditlog.models import AuditEvent
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("incidents:incident_add")
LIST = reverse("incidents:incident_list")


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def form(department, **changes):
    data = {
        "title": "U盘丢失",
        "department": department.pk,
        "discovered_at": local(timezone.now() - timedelta(hours=3)),
        "description": "外出途中遗失一个工作U盘",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def field_error(html, name):
    """The error shown right under a field's input, or None."""
    match = re.search(
        rf'<input[^>]*name="{name}"[^>]*>\s*'
        rf'<div class="invalid-feedback d-block" data-field="{name}">([^<]+)</div>',
        html,
    )
    return match.group(1) if match else None


@pytest.fixture
def colleague(department):
    return UserFactory(username="colleague", roles=["staff"], departments=[department])


# --- the report form ----------------------------------------------------------------------------


def test_form_offers_the_users_department_and_now(client, staff):
    client.force_login(staff)
    response = client.get(ADD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "新建安全事件" in html
    assert re.search(r'<option value="\d+" selected>社会救助处</option>', html)
    assert "养老服务处" not in html  # only departments the user may file for


def test_a_future_discovery_time_is_shown_next_to_the_field_and_nothing_is_written(client, staff, department):
    client.force_login(staff)
    future = local(timezone.now() + timedelta(days=1))
    response = client.post(ADD, form(department, discovered_at=future))
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert field_error(html, "discovered_at") == "发现时间不能晚于当前时间。"
    assert re.search(r'<input[^>]*name="discovered_at"[^>]*class="[^"]*is-invalid', html)
    assert f'value="{future}"' in html  # what the user typed is kept
    assert 'value="U盘丢失"' in html
    assert Incident.objects.count() == 0
    assert Incident.history.count() == 0


def test_a_missing_title_is_named_in_chinese(client, staff, department):
    client.force_login(staff)
    response = client.post(ADD, form(department, title=None))
    assert response.status_code == 200
    assert "必填" in field_error(response.content.decode(), "title")
    assert Incident.objects.count() == 0


def test_filing_for_another_department_is_refused(client, staff, department, other_department):
    client.force_login(staff)
    response = client.post(ADD, form(other_department))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Incident.objects.count() == 0


def test_filing_a_report(client, staff, department):
    client.force_login(staff)
    response = client.post(ADD, form(department), follow=True)
    incident = Incident.objects.get()
    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    assert incident.reported_by == staff
    assert "已保存：U盘丢失" in response.content.decode()


def test_a_role_without_the_add_permission_gets_403(client, inspector):
    client.force_login(inspector)
    assert client.get(ADD).status_code == 403


# --- deletion -----------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(client, head, department):
    incident = IncidentFactory(department=department, title="误报的告警")
    url = reverse("incidents:incident_delete", args=[incident.pk])
    client.force_login(head)

    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "确认删除" in html
    assert "误报的告警" in html
    assert '<form method="post">' in html
    assert Incident.objects.filter(pk=incident.pk).exists()  # asking deletes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "已删除：误报的告警" in response.content.decode()
    assert not Incident.objects.filter(pk=incident.pk).exists()
    # The record's history is kept, with the deletion in it.
    assert list(Incident.history.filter(id=incident.pk).values_list("history_type", flat=True)) == ["-", "+"]


def test_detail_page_offers_edit_and_delete_only_to_those_who_may(client, staff, head, department):
    incident = IncidentFactory(department=department)
    edit = reverse("incidents:incident_edit", args=[incident.pk])
    delete = reverse("incidents:incident_delete", args=[incident.pk])

    client.force_login(staff)
    html = client.get(incident.get_absolute_url()).content.decode()
    assert edit not in html and delete not in html

    client.force_login(head)
    html = client.get(incident.get_absolute_url()).content.decode()
    assert f'href="{edit}"' in html and f'href="{delete}"' in html


# --- secret leaks (need-to-know) ----------------------------------------------------------------


@pytest.fixture
def leak(client, staff, department):
    """A secret leak filed by ``staff`` through the form, as a user would."""
    client.force_login(staff)
    response = client.post(ADD, form(department, title="涉密文件误发外网", secret_leak="on"))
    assert response.status_code == 302
    client.logout()
    incident = Incident.objects.get()
    assert incident.restricted
    return incident


def test_a_leak_is_hidden_from_the_departments_other_staff(client, leak, colleague, head):
    for user in (colleague, head):
        client.force_login(user)
        assert client.get(leak.get_absolute_url()).status_code == 404
        list_html = client.get(LIST).content.decode()
        assert "涉密文件误发外网" not in list_html
        assert client.get(reverse("api:incident-detail", args=[leak.pk])).status_code == 404


@pytest.mark.parametrize("user_name", ["staff", "secrecy", "officer"])
def test_a_leak_is_visible_to_its_reporter_the_secrecy_office_and_officers(request, client, leak, user_name):
    client.force_login(request.getfixturevalue(user_name))
    response = client.get(leak.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "涉密文件误发外网" in html
    assert "知悉范围受限" in html
    assert f'href="{leak.get_absolute_url()}"' in client.get(LIST).content.decode()


def test_viewing_a_leak_is_written_to_the_audit_log(client, leak, secrecy):
    client.force_login(secrecy)
    client.get(leak.get_absolute_url())
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW)
    assert event.user == secrecy
    assert event.object_id == str(leak.pk)
    assert event.object_repr == "涉密文件误发外网"
