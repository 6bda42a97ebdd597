"""Archive secrecy grading (档案保密定级): 机密/绝密 need the superior's approval; the re-evaluation
date is an obligation, renewed when re-graded (the previous grade kept with the reason), and the
beat task adds any missing one."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from secrecy.archives import services
from secrecy.models import ArchiveGradeChange, ArchiveSeries
from secrecy.tasks import ensure_personnel_archive_obligations
from szmz_security.obligations.models import Obligation
from tests.secrecy.factories import ArchiveSeriesFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def form_data(department, user, **overrides):
    data = {
        "code": "SZMZ-A-100",
        "name": "社会救助核对档案",
        "department": department.pk,
        "grade": "secret",
        "basis": "按民政部定密范围。",
        "superior_approval": "",
        "graded_on": f"{timezone.localdate():%Y-%m-%d}",
        "graded_by": user.pk,
        "review_period_years": 1,
        "note": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False)
def test_grading_opens_the_re_evaluation_obligation(client, secrecy, department):
    client.force_login(secrecy)
    response = client.post(
        reverse("secrecy:archiveseries_add"), form_data(department, secrecy, review_period_years=2)
    )
    assert response.status_code == 302
    series = ArchiveSeries.objects.get()
    assert series.next_review_on == datetime.date(2028, 3, 2)
    obligation = series.regrading_obligation
    assert obligation.kind == "secrecy.archive_regrading" and obligation.is_open
    assert timezone.localtime(obligation.due_at).date() == datetime.date(2028, 3, 2)
    assert obligation.department == department


def test_confidential_without_superior_approval_is_refused_next_to_the_field(client, secrecy, department):
    client.force_login(secrecy)
    response = client.post(
        reverse("secrecy:archiveseries_add"), form_data(department, secrecy, grade="confidential")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["superior_approval"] == [
        "机密、绝密档案的定级须报上级主管部门批准，请填写批准文号（第十二条）。"
    ]
    assert not ArchiveSeries.objects.exists()
    assert not Obligation.objects.filter(kind="secrecy.archive_regrading").exists()


def test_api_400_names_the_field(client, secrecy, department):
    client.force_login(secrecy)
    body = form_data(department, secrecy, grade="top_secret")
    response = client.post(reverse("api:archiveseries-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "superior_approval" in response.json()
    assert not ArchiveSeries.objects.exists()


def test_regrading_keeps_the_previous_grade_with_the_reason_and_renews_the_obligation(
    client, secrecy, department
):
    series = services.save_series(ArchiveSeriesFactory.build(department=department, graded_by=secrecy))
    old = series.regrading_obligation
    client.force_login(secrecy)
    today = f"{timezone.localdate():%Y-%m-%d}"
    response = client.post(
        reverse("secrecy:archiveseries_regrade", args=[series.pk]),
        {
            "grade": "secret",
            "basis": "新增核对数据",
            "reason": "收录低保核对数据，升为秘密",
            "graded_on": today,
        },
    )
    assert response.status_code == 302
    series.refresh_from_db()
    old.refresh_from_db()
    assert series.grade == "secret"
    (change,) = ArchiveGradeChange.objects.filter(series=series)
    assert (change.previous_grade, change.new_grade) == ("internal", "secret")
    assert change.reason == "收录低保核对数据，升为秘密"
    assert old.state == Obligation.State.MET
    assert series.regrading_obligation != old and series.regrading_obligation.is_open
    assert "重新定级" in series.history.first().history_change_reason
    page = client.get(series.get_absolute_url()).content.decode()
    assert "收录低保核对数据，升为秘密" in page


def test_regrading_without_a_reason_is_refused(client, secrecy, department):
    series = services.save_series(ArchiveSeriesFactory.build(department=department, graded_by=secrecy))
    client.force_login(secrecy)
    response = client.post(
        reverse("secrecy:archiveseries_regrade", args=[series.pk]),
        {"grade": "secret", "basis": "x", "reason": "", "graded_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response.status_code == 400
    assert "reason" in response.context["regrade_form"].errors
    assert not ArchiveGradeChange.objects.exists()
    series.refresh_from_db()
    assert series.grade == "internal"


def test_grade_is_not_changed_on_the_edit_form(client, secrecy, department):
    series = services.save_series(ArchiveSeriesFactory.build(department=department, graded_by=secrecy))
    client.force_login(secrecy)
    data = form_data(department, secrecy, code=series.code, grade="public", name="改名")
    response = client.post(reverse("secrecy:archiveseries_edit", args=[series.pk]), data)
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.name == "改名" and series.grade == "internal"


def test_regrade_through_the_api(client, secrecy, department, outsider):
    series = services.save_series(ArchiveSeriesFactory.build(department=department, graded_by=secrecy))
    url = reverse("api:archiveseries-regrade", args=[series.pk])
    body = {
        "grade": "public",
        "basis": "已公开",
        "reason": "内容已主动公开",
        "graded_on": f"{timezone.localdate():%Y-%m-%d}",
    }
    client.force_login(outsider)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(secrecy)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["grade"] == "public"


def test_beat_task_adds_a_missing_obligation_once_and_it_goes_overdue(department):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, 0, tzinfo=TZ), tick=False):
        series = ArchiveSeriesFactory(department=department, graded_on=datetime.date(2026, 1, 5))
        assert series.regrading_obligation is None
        ensure_personnel_archive_obligations()
        ensure_personnel_archive_obligations()
    assert Obligation.objects.filter(kind="secrecy.archive_regrading").count() == 1
    series.refresh_from_db()
    assert series.next_review_on == datetime.date(2027, 1, 5)
    with time_machine.travel(datetime.datetime(2027, 1, 6, 10, 0, tzinfo=TZ), tick=False):
        assert series.regrading_obligation.is_overdue()
        assert series.review_overdue()


def test_another_department_cannot_regrade(client, outsider, department, secrecy):
    series = services.save_series(ArchiveSeriesFactory.build(department=department, graded_by=secrecy))
    client.force_login(outsider)
    response = client.post(reverse("secrecy:archiveseries_regrade", args=[series.pk]), {"grade": "public"})
    assert response.status_code == 404
    assert not ArchiveGradeChange.objects.exists()
