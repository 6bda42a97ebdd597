"""The audits screens as an officer, a leader and a department head use them (forms, refusals next
to the field, confirmations before destructive actions)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Project, Risk
from audits.reviews import services
from tests.audits.factories import ProjectFactory, RiskFactory

pytestmark = pytest.mark.django_db


def test_officer_registers_a_risk_and_its_level_shows(client, officer, department, staff):
    client.force_login(officer)
    assert client.get(reverse("audits:risk_add")).status_code == 200
    response = client.post(
        reverse("audits:risk_add"),
        {
            "title": "政务外网出口单链路",
            "description": "",
            "department": department.pk,
            "owner": staff.pk,
            "likelihood": 3,
            "severity": 5,
            "treatment": "reduce",
            "plan": "申请第二条链路",
            "next_review": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get(title="政务外网出口单链路")
    assert risk.score == 15
    html = client.get(risk.get_absolute_url()).content.decode()
    assert "重大" in html and "risk-major" in html
    assert risk.review_obligation.is_open


def test_leader_accepts_a_risk_on_its_page(client, leader, department, staff):
    risk = RiskFactory(department=department, owner=staff, likelihood=4, severity=4)
    client.force_login(leader)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "批准接受风险" in page and "data-confirm=" in page
    url = reverse("audits:risk_accept", args=[risk.pk])
    response = client.post(url, {"expires": "", "note": ""})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    expires = timezone.localdate() + datetime.timedelta(days=60)
    assert client.post(url, {"expires": expires.isoformat(), "note": "过渡期接受"}).status_code == 302
    risk.refresh_from_db()
    assert risk.accepted_by == leader and risk.acceptance_expires == expires


def test_owner_cannot_accept_their_own_risk(client, officer, department):
    risk = RiskFactory(department=department, owner=officer, likelihood=4, severity=4)
    client.force_login(officer)
    assert "批准接受风险" not in client.get(risk.get_absolute_url()).content.decode()
    response = client.post(
        reverse("audits:risk_accept", args=[risk.pk]),
        {"expires": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(), "note": "x"},
    )
    assert response.status_code == 403


def test_project_gates_through_the_pages(client, officer, department, head):
    project = ProjectFactory(department=department, owner=head)
    client.force_login(officer)
    transition = reverse("audits:project_transition", args=[project.pk])
    response = client.post(transition, {"to_state": "approved"})
    assert response.status_code == 400 and "立项前须完成风险预估" in response.content.decode()
    response = client.post(
        reverse("audits:project_estimate", args=[project.pk]),
        {
            "assessor": "信息中心",
            "assessed_on": timezone.localdate().isoformat(),
            "risks_identified": "",
            "acceptable": "on",
            "conclusion": "可控",
        },
    )
    assert response.status_code == 400
    assert 'data-field="risks_identified"' in response.content.decode()
    response = client.post(
        reverse("audits:project_estimate", args=[project.pk]),
        {
            "assessor": "信息中心",
            "assessed_on": timezone.localdate().isoformat(),
            "risks_identified": "个人信息",
            "acceptable": "on",
            "conclusion": "可控",
        },
    )
    assert response.status_code == 302
    for state in ("approved", "building", "golive_review"):
        assert client.post(transition, {"to_state": state}).status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    assert "暂不能上线" in page and "尚未进行上线前风险评估" in page
    response = client.post(
        reverse("audits:project_golive", args=[project.pk]),
        {
            "assessor": "测评中心",
            "assessed_on": timezone.localdate().isoformat(),
            "passed": "on",
            "conclusion": "通过",
        },
    )
    assert response.status_code == 302
    assert client.post(transition, {"to_state": "live"}).status_code == 302
    project.refresh_from_db()
    assert project.state == Project.State.LIVE


def test_review_detail_and_list_as_inspector(client, inspector, officer, information_centre):
    review = services.ensure_quarterly_review()
    client.force_login(inspector)
    html = client.get(review.get_absolute_url()).content.decode()
    assert "评估清单" in html and "签发" not in html.split("评估清单")[1].split("</table>")[0]
    assert 'action="/audits/reviews/' not in html  # read-only: no forms
    listing = client.get(reverse("audits:quarterlyreview_list")).content.decode()
    assert review.get_absolute_url() in listing
    assert client.post(reverse("audits:quarterlyreview_current")).status_code == 403


def test_officer_creates_this_quarters_review_from_the_list(client, officer, information_centre):
    client.force_login(officer)
    response = client.post(reverse("audits:quarterlyreview_current"))
    assert response.status_code == 302
    response = client.post(reverse("audits:quarterlyreview_current"))
    assert response.status_code == 302
    from audits.models import QuarterlyReview

    assert QuarterlyReview.objects.count() == 1


def test_nav_lists_the_audits_pages(client, officer):
    client.force_login(officer)
    html = client.get("/").content.decode()
    for name in ("季度风险评估", "外部测评", "信息化项目", "风险台账", "风险热力图"):
        assert name in html
