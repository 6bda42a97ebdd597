"""Information-system projects (regulation 4 §1–2): a risk estimate before 立项, an assessment
before go-live, and go-live refused while the assessment has not passed or a high risk is open and
not formally accepted (an expired acceptance counts as none)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.models import GoLiveAssessment, Project, RiskEstimate
from audits.projects import services
from audits.risks import services as risk_services
from szmz_security.obligations.models import Obligation
from tests.audits.factories import RiskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(department, head, officer):
    return services.register_project(
        Project(name="社会救助信息系统升级", department=department, owner=head), by=officer
    )


def estimate(project, by, acceptable=True):
    return services.record_estimate(
        project,
        RiskEstimate(
            assessor="信息中心",
            assessed_on=timezone.localdate(),
            risks_identified="涉及低保对象个人信息；需与公安数据交换。",
            acceptable=acceptable,
            conclusion="风险可控" if acceptable else "风险过大",
        ),
        by=by,
    )


def to_golive_review(project, officer):
    estimate(project, officer)
    for state in (Project.State.APPROVED, Project.State.BUILDING, Project.State.GOLIVE_REVIEW):
        project = services.transition_project(project, state, by=officer)
    return project


def assess(project, officer, passed=True):
    return services.record_golive_assessment(
        project,
        GoLiveAssessment(
            assessor="深圳市信息安全测评中心",
            assessed_on=timezone.localdate(),
            passed=passed,
            conclusion="评估结论",
        ),
        by=officer,
    )


def test_registering_opens_the_estimate_gate(project):
    obligation = services.project_obligation(project, services.ESTIMATE_KIND)
    assert obligation.is_open
    assert obligation.clause == "市民政局制度 第四章第1条"
    assert obligation.assignee == project.owner


def test_approval_refused_without_an_estimate(project, officer):
    with pytest.raises(ValidationError) as error:
        services.transition_project(project, Project.State.APPROVED, by=officer)
    assert "立项前须完成风险预估" in error.value.messages[0]
    project.refresh_from_db()
    assert project.state == Project.State.PRE_APPROVAL


def test_approval_refused_when_the_estimate_finds_the_risk_too_high(project, officer):
    estimate(project, officer, acceptable=False)
    with pytest.raises(ValidationError) as error:
        services.transition_project(project, Project.State.APPROVED, by=officer)
    assert "不允许立项" in error.value.messages[0]


def test_estimate_meets_the_gate_and_allows_approval(project, officer):
    estimate(project, officer)
    assert services.project_obligation(project, services.ESTIMATE_KIND).state == Obligation.State.MET
    project = services.transition_project(project, Project.State.APPROVED, by=officer)
    assert project.state == Project.State.APPROVED and project.approved_at


def test_entering_golive_review_opens_the_golive_gate(project, officer):
    project = to_golive_review(project, officer)
    obligation = services.project_obligation(project, services.GOLIVE_KIND)
    assert obligation.is_open and obligation.clause == "市民政局制度 第四章第2条"


def test_golive_refused_without_a_passed_assessment(project, officer):
    project = to_golive_review(project, officer)
    with pytest.raises(ValidationError) as error:
        services.transition_project(project, Project.State.LIVE, by=officer)
    assert "尚未进行上线前风险评估" in error.value.messages[0]
    assess(project, officer, passed=False)
    with pytest.raises(ValidationError) as error:
        services.transition_project(project, Project.State.LIVE, by=officer)
    assert "未通过" in error.value.messages[0]
    # A failed assessment does not meet the gate's obligation.
    assert services.project_obligation(project, services.GOLIVE_KIND).is_open


def test_golive_gate_with_a_major_risk(project, officer, leader, department, head):
    project = to_golive_review(project, officer)
    assess(project, officer)
    assert services.project_obligation(project, services.GOLIVE_KIND).state == Obligation.State.MET
    risk = RiskFactory(
        title="数据交换接口未加密",
        project=project,
        department=department,
        owner=head,
        likelihood=4,
        severity=5,
    )
    assert risk.level == "major"
    # Open and not accepted: refused, naming the risk.
    with pytest.raises(ValidationError) as error:
        services.transition_project(project, Project.State.LIVE, by=officer)
    assert "重大风险“数据交换接口未加密”" in error.value.messages[0]

    # Formally accepted by leadership: allowed ...
    risk_services.accept_risk(
        risk, by=leader, expires=timezone.localdate() + datetime.timedelta(days=30), note="过渡期"
    )
    assert services.golive_blockers(project) == []

    # ... but not once the acceptance has expired.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=45)):
        blockers = services.golive_blockers(project)
        assert len(blockers) == 1 and "过期" in blockers[0]
        with pytest.raises(ValidationError):
            services.transition_project(project, Project.State.LIVE, by=officer)

    project = services.transition_project(project, Project.State.LIVE, by=officer)
    assert project.state == Project.State.LIVE and project.live_at


def test_low_and_closed_risks_do_not_block(project, officer, department, head):
    project = to_golive_review(project, officer)
    assess(project, officer)
    RiskFactory(project=project, department=department, owner=head, likelihood=1, severity=4)  # 低
    RiskFactory(project=project, department=department, owner=head, likelihood=2, severity=3)  # 一般
    closed = RiskFactory(project=project, department=department, owner=head, likelihood=5, severity=5)
    risk_services.close_risk(closed, by=officer, reason="已加密改造")
    assert services.golive_blockers(project) == []


def test_golive_refusal_on_the_page_lists_the_risks(client, project, officer, department, head):
    project = to_golive_review(project, officer)
    assess(project, officer)
    RiskFactory(title="弱口令", project=project, department=department, owner=head, likelihood=3, severity=4)
    client.force_login(officer)
    response = client.post(reverse("audits:project_transition", args=[project.pk]), {"to_state": "live"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "不能上线" in html and "较大风险“弱口令”" in html
    project.refresh_from_db()
    assert project.state == Project.State.GOLIVE_REVIEW


def test_project_pages_refuse_another_department(client, project, outsider):
    client.force_login(outsider)
    assert client.get(project.get_absolute_url()).status_code == 404
    assert (
        client.post(
            reverse("audits:project_transition", args=[project.pk]), {"to_state": "approved"}
        ).status_code
        == 404
    )
    assert client.post(reverse("audits:project_estimate", args=[project.pk]), {}).status_code == 404


def test_department_head_registers_a_project_in_the_browser(client, head, department):
    client.force_login(head)
    # Heads have no audits.add_project: only officers register projects.
    assert client.get(reverse("audits:project_add")).status_code == 403
    officer = UserFactory(username="o2", roles=["security_officer"])
    client.force_login(officer)
    response = client.post(
        reverse("audits:project_add"),
        {"name": "养老服务平台", "department": department.pk, "owner": head.pk, "description": ""},
    )
    assert response.status_code == 302
    project = Project.objects.get(name="养老服务平台")
    assert project.state == Project.State.PRE_APPROVAL
    assert services.project_obligation(project, services.ESTIMATE_KIND).is_open
