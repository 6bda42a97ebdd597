"""The risk register: levels from likelihood × severity with configurable cut-offs, acceptance
rules, review-date obligations, the heat map, and lists whose query count does not grow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import risk_levels
from audits.models import Risk
from audits.risks import services
from szmz_security.obligations.models import Obligation
from tests.audits.factories import ProjectFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("likelihood", "severity", "level"),
    [
        (5, 5, "major"),
        (3, 5, "major"),
        (2, 5, "significant"),
        (3, 4, "significant"),
        (3, 3, "general"),
        (1, 5, "general"),
        (2, 2, "low"),
        (1, 1, "low"),
    ],
)
def test_default_cutoffs(likelihood, severity, level):
    risk = RiskFactory(likelihood=likelihood, severity=severity)
    assert risk.score == likelihood * severity
    assert risk.level == level
    # The SQL filter agrees with Python.
    assert Risk.objects.filter(risk_levels.level_q(level), pk=risk.pk).exists()


def test_cutoffs_are_configurable(settings):
    risk = RiskFactory(likelihood=3, severity=4)  # 12
    assert risk.get_level_display() == "较大"
    settings.AUDITS_RISK_CUTOFFS = {"major": 12, "significant": 8, "general": 4}
    assert risk.get_level_display() == "重大"
    assert Risk.objects.filter(risk_levels.level_q("major"), pk=risk.pk).exists()
    settings.AUDITS_RISK_CUTOFFS = {"major": 5, "significant": 10, "general": 4}
    with pytest.raises(ValueError):
        risk_levels.cutoffs()


def test_score_follows_an_edit():
    risk = RiskFactory(likelihood=1, severity=1)
    risk.likelihood, risk.severity = 4, 4
    risk.save(update_fields=["likelihood", "severity"])
    risk.refresh_from_db()
    assert risk.score == 16 and risk.level == "major"


def test_acceptance_by_leadership_or_officer_never_the_owner(officer, leader, staff, department):
    expires = timezone.localdate() + datetime.timedelta(days=90)
    risk = RiskFactory(department=department, owner=officer, likelihood=5, severity=4)
    with pytest.raises(PermissionDenied):
        services.accept_risk(risk, by=officer, expires=expires, note="本人")  # the owner
    with pytest.raises(PermissionDenied):
        services.accept_risk(risk, by=staff, expires=expires, note="工作人员")
    with pytest.raises(ValidationError) as error:
        services.accept_risk(
            risk, by=leader, expires=timezone.localdate() - datetime.timedelta(days=1), note=""
        )
    assert set(error.value.message_dict) == {"expires", "note"}
    services.accept_risk(risk, by=leader, expires=expires, note="系统改造前临时接受")
    risk.refresh_from_db()
    assert risk.accepted_by == leader and risk.treatment == Risk.Treatment.ACCEPT
    assert risk.acceptance_valid()
    assert not risk.acceptance_valid(today=expires + datetime.timedelta(days=1))


def test_next_review_is_an_obligation_of_the_owner(officer, department, staff):
    review_day = timezone.localdate() + datetime.timedelta(days=20)
    risk = services.save_risk(
        Risk(
            title="机房空调单点故障",
            department=department,
            owner=staff,
            likelihood=2,
            severity=4,
            next_review=review_day,
        ),
        by=officer,
    )
    obligation = risk.review_obligation
    assert obligation.kind == "audits.risk_review" and obligation.assignee == staff
    assert timezone.localtime(obligation.due_at).date() == review_day
    # Moving the date moves the deadline.
    risk.next_review = review_day + datetime.timedelta(days=5)
    services.save_risk(risk, by=officer)
    obligation.refresh_from_db()
    assert timezone.localtime(obligation.due_at).date() == review_day + datetime.timedelta(days=5)
    # A review meets it and opens the next one.
    services.review_risk(
        risk, by=officer, note="已增加备用空调采购计划", next_review=review_day + datetime.timedelta(days=90)
    )
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    risk.refresh_from_db()
    assert risk.review_obligation.is_open and risk.review_obligation != obligation
    # Closing waives what is still open.
    services.close_risk(risk, by=officer, reason="已更换双机空调")
    risk.review_obligation.refresh_from_db()
    assert risk.review_obligation.state == Obligation.State.WAIVED


def test_heat_map_counts_and_links(client, officer, department, staff):
    RiskFactory(department=department, owner=staff, likelihood=5, severity=5)
    RiskFactory(department=department, owner=staff, likelihood=5, severity=5)
    RiskFactory(department=department, owner=staff, likelihood=1, severity=2)
    closed = RiskFactory(department=department, owner=staff, likelihood=1, severity=2)
    services.close_risk(closed, by=officer, reason="已消除")
    rows = services.heat_map(Risk.objects.filter(status="open"))
    cells = {(c["likelihood"], c["severity"]): c for row in rows for c in row["cells"]}
    assert cells[(5, 5)]["count"] == 2 and cells[(5, 5)]["level"] == "major"
    assert cells[(1, 2)]["count"] == 1 and cells[(1, 2)]["level"] == "low"
    assert cells[(3, 4)]["level"] == "significant" and cells[(3, 3)]["level"] == "general"

    client.force_login(officer)
    html = client.get(reverse("audits:risk_heatmap")).content.decode()
    assert 'data-cell="5-5"' in html
    assert "likelihood=5&amp;severity=5" in html
    # The link leads to the filtered list.
    listing = client.get(reverse("audits:risk_list"), {"status": "open", "likelihood": 5, "severity": 5})
    assert listing.content.decode().count('href="/audits/risks/') >= 2


def test_heat_map_shows_only_visible_risks(client, staff, department, other_department, outsider):
    RiskFactory(department=other_department, owner=outsider, likelihood=4, severity=4)
    RiskFactory(department=department, owner=staff, likelihood=2, severity=2)
    client.force_login(staff)
    response = client.get(reverse("audits:risk_heatmap"))
    assert response.status_code == 200
    rows = response.context["rows"]
    cells = {(c["likelihood"], c["severity"]): c["count"] for row in rows for c in row["cells"]}
    assert cells[(2, 2)] == 1 and cells[(4, 4)] == 0


def test_level_filter_and_search(client, officer, department, staff):
    major = RiskFactory(
        title="核心数据库未备份", department=department, owner=staff, likelihood=5, severity=4
    )
    low = RiskFactory(title="打印机老化", department=department, owner=staff, likelihood=1, severity=1)
    client.force_login(officer)
    html = client.get(reverse("audits:risk_list"), {"level": "major"}).content.decode()
    assert major.get_absolute_url() in html and low.get_absolute_url() not in html
    html = client.get(reverse("audits:risk_list"), {"q": "打印机"}).content.decode()
    assert low.get_absolute_url() in html and major.get_absolute_url() not in html
    response = client.get(reverse("audits:risk_list"), {"export": "csv", "level": "major"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "核心数据库未备份" in text and "重大" in text and "打印机老化" not in text


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_name",
    ["audits:risk_list", "audits:project_list", "audits:quarterlyreview_list", "audits:risk_heatmap"],
)
def test_list_queries_do_not_grow_with_rows(client, officer, department, staff, url_name):
    from tests.audits.factories import QuarterlyReviewFactory

    def add(n):
        for _ in range(n):
            project = ProjectFactory(department=department, owner=staff)
            RiskFactory(department=department, owner=staff, project=project, likelihood=3, severity=4)
            QuarterlyReviewFactory(department=department)

    client.force_login(officer)
    add(3)
    queries_for(client, reverse(url_name))  # warm the per-process caches (content types, permissions)
    few = queries_for(client, reverse(url_name))
    add(27)
    many = queries_for(client, reverse(url_name))
    assert many == few
