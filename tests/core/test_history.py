"""The History tab (DESIGN.md §2): who changed what, field by field, through the real edit view."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from tests.factories import DepartmentFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(incident, **changes):
    data = {
        "title": incident.title,
        "department": incident.department_id,
        "discovered_at": timezone.localtime(incident.discovered_at).strftime("%Y-%m-%dT%H:%M"),
        "description": incident.description,
    }
    if incident.secret_leak:
        data["secret_leak"] = "on"
    data.update(changes)
    return data


@pytest.fixture
def incident(department, staff):
    return IncidentFactory(
        department=department,
        reported_by=staff,
        title="门禁卡遗失",
        description="三楼机房门禁卡遗失",
        discovered_at=timezone.now() - timedelta(days=1),
    )


def old_cell(value):
    return f'<td class="text-danger-emphasis">{value}</td>'


def new_cell(value):
    return f'<td class="text-success-emphasis">{value}</td>'


def history_html(client, incident):
    response = client.get(reverse("incidents:incident_history", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_edit_records_the_acting_user_and_the_tab_shows_the_difference(client, head, incident):
    client.force_login(head)
    response = client.post(
        reverse("incidents:incident_edit", args=[incident.pk]),
        form_data(incident, title="机房门禁卡遗失（已挂失）"),
    )
    assert response.status_code == 302
    assert response.url == incident.get_absolute_url()

    latest = incident.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == head  # HistoryRequestMiddleware

    html = history_html(client, incident)
    assert "<td>标题</td>" in html  # the field's label, not its name
    assert old_cell("门禁卡遗失") in html
    assert new_cell("机房门禁卡遗失（已挂失）") in html
    assert head.profile.full_name in html  # who made the change
    # Unchanged fields are not listed as changes (the minute-only time input keeps the seconds).
    assert "<td>事件描述</td>" not in html
    assert "<td>发现时间</td>" not in html


def test_a_department_change_shows_names_not_ids(client, officer, incident):
    """A foreign key in the diff is shown by the related record's name."""
    target = DepartmentFactory(code="JZFW", name="救助服务处")
    client.force_login(officer)
    response = client.post(
        reverse("incidents:incident_edit", args=[incident.pk]), form_data(incident, department=target.pk)
    )
    assert response.status_code == 302
    html = history_html(client, incident)
    assert "<td>所属部门</td>" in html
    assert old_cell("社会救助处") in html
    assert new_cell("救助服务处") in html
    assert f"#{target.pk}" not in html


def test_each_edit_is_an_entry_newest_first(client, head, incident):
    client.force_login(head)
    url = reverse("incidents:incident_edit", args=[incident.pk])
    assert client.post(url, form_data(incident, title="第一次修改")).status_code == 302
    incident.refresh_from_db()
    assert client.post(url, form_data(incident, description="补充：已报告信息中心")).status_code == 302

    html = history_html(client, incident)
    assert html.index(new_cell("补充：已报告信息中心")) < html.index(new_cell("第一次修改"))
    assert html.count('badge text-bg-secondary">修改') == 2
    assert 'badge text-bg-secondary">创建' in html
    assert incident.history.count() == 3


def test_a_refused_edit_records_nothing(client, staff, incident):
    client.force_login(staff)  # a plain member may see but not change
    url = reverse("incidents:incident_edit", args=[incident.pk])
    response = client.post(url, form_data(incident, title="x"))
    assert response.status_code == 403
    assert incident.history.count() == 1
    assert Incident.objects.get(pk=incident.pk).title == "门禁卡遗失"


def test_history_of_another_departments_record_is_404(client, outsider, incident):
    client.force_login(outsider)
    response = client.get(reverse("incidents:incident_history", args=[incident.pk]))
    assert response.status_code == 404
    assert "门禁卡遗失" not in response.content.decode()


def test_history_of_a_restricted_record_is_404_for_colleagues(client, department, incident):
    incident.secret_leak = True
    incident.save()
    colleague = UserFactory(username="colleague", roles=["staff"], departments=[department])
    client.force_login(colleague)
    assert client.get(reverse("incidents:incident_history", args=[incident.pk])).status_code == 404
