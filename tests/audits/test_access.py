"""The access contract (tests/access.py) applied to the audits pages: quarterly reviews, external
assessments, projects and risks (no API yet: those cases are skipped with the reason).

None of these models has a need-to-know marking (``restricted_field = None``): the contract's
restricted-record tests are skipped, and per-object grants are checked on an ordinary record of
another department instead (sharing is how a circulated department reads a review).
"""

import pytest
from django.urls import reverse

from audits.models import ExternalAssessment, Project, QuarterlyReview, Risk
from szmz_security.org.access import grant, share_with_department
from tests.access import AccessContract
from tests.audits.factories import (
    ExternalAssessmentFactory,
    ProjectFactory,
    QuarterlyReviewFactory,
    RiskFactory,
)


class NoNeedToKnow:
    @pytest.fixture
    def restricted_record(self):
        pytest.skip(f"{self.model.__name__} has no need-to-know marking")

    def test_record_granted_to_a_person_of_another_department(self, client, outsider, record):
        grant("view", outsider, record)
        assert self.get_as(client, outsider, self.url("detail", record)).status_code == 200
        assert self.shows(self.list_page(client, outsider), record)

    def test_record_shared_with_another_department_is_readable_not_changeable(
        self, client, outsider, other_department, record
    ):
        share_with_department(record, other_department)
        assert self.get_as(client, outsider, self.url("detail", record)).status_code == 200
        assert self.shows(self.list_page(client, outsider), record)
        if "edit" in self.url_names:
            assert client.get(self.url("edit", record)).status_code == 403

    def test_global_role_sees_every_department(self, client, global_user, record, foreign_record):
        for obj in (record, foreign_record):
            assert self.get_as(client, global_user, self.url("detail", obj)).status_code == 200
        html = self.list_page(client, global_user)
        assert self.shows(html, record) and self.shows(html, foreign_record)

    def test_csv_export_holds_only_the_departments_rows(self, client, staff, record, foreign_record):
        cells = self.csv_cells(client, staff)
        assert self.label(record) in cells
        assert self.label(foreign_record) not in cells


class TestQuarterlyReviewAccess(NoNeedToKnow, AccessContract):
    model = QuarterlyReview

    def make_record(self, department, restricted=False):
        return QuarterlyReviewFactory(department=department)

    def test_circulation_page_and_pdf_follow_the_rule(self, client, outsider, staff, record):
        for name in ("audits:quarterlyreview_circulation", "audits:quarterlyreview_pdf"):
            url = reverse(name, args=[record.pk])
            assert self.get_as(client, outsider, url).status_code == 404
            assert self.get_as(client, staff, url).status_code == 200

    def test_members_may_not_post_review_actions(self, client, staff, outsider, record, department):
        for user, status in ((staff, 403), (outsider, 404)):
            client.force_login(user)
            for name, data in (
                ("audits:quarterlyreview_sign_off", {"summary": "x"}),
                ("audits:quarterlyreview_circulate", {"departments": [department.pk]}),
                ("audits:finding_add", {"title": "x"}),
            ):
                assert client.post(reverse(name, args=[record.pk]), data).status_code == status
        assert not record.circulations.exists() and not record.findings.exists()


class TestExternalAssessmentAccess(NoNeedToKnow, AccessContract):
    model = ExternalAssessment

    def make_record(self, department, restricted=False):
        return ExternalAssessmentFactory(department=department)


class TestProjectAccess(NoNeedToKnow, AccessContract):
    model = Project

    def make_record(self, department, restricted=False):
        return ProjectFactory(department=department)


class TestRiskAccess(NoNeedToKnow, AccessContract):
    model = Risk
    post_actions = {"close": "audits:risk_close"}

    def make_record(self, department, restricted=False):
        return RiskFactory(department=department)

    def post_data(self, name):
        return {"reason": "风险已消除"}

    def label(self, obj):
        return obj.title
