"""The annual external assessment (4 §4, 等级测评): recording it meets the year's obligation; its
improvement plan items are obligations of their owners; the report is a PDF within the size limit,
served only through the access rule."""

import datetime
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits.assessments import services as assessments
from audits.models import ExternalAssessment
from audits.reviews import services
from szmz_security.auditlog.models import AuditEvent
from szmz_security.obligations.models import Obligation
from tests.audits.factories import ExternalAssessmentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_data(information_centre, **extra):
    return {
        "kind": "grading",
        "assessor": "深圳市信息安全测评中心",
        "assessed_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "systems": "深圳市民政综合业务系统",
        "conclusion": "符合等级保护第三级基本要求，存在 3 项中风险问题。",
        "department": information_centre.pk,
        **extra,
    }


def test_recording_meets_the_years_obligation(client, officer, information_centre):
    obligation = assessments.ensure_external_obligation(timezone.localdate().year)
    client.force_login(officer)
    report = SimpleUploadedFile("测评报告.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("audits:externalassessment_add"), {**form_data(information_centre), "report_file": report}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = ExternalAssessment.objects.get()
    assert assessment.recorded_by == officer and assessment.report_name == "测评报告.pdf"
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert assessment.obligation == obligation

    # The report, downloaded through the access rule and audited.
    response = client.get(reverse("audits:externalassessment_report", args=[assessment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_report_must_be_a_pdf_within_the_limit(client, officer, information_centre, settings):
    settings.AUDITS_REPORT_MAX_MB = 1
    client.force_login(officer)
    url = reverse("audits:externalassessment_add")
    word = SimpleUploadedFile("报告.docx", b"PK...", content_type="application/msword")
    response = client.post(url, {**form_data(information_centre), "report_file": word})
    assert response.status_code == 400
    assert "须为 PDF 文件" in response.content.decode()
    big = SimpleUploadedFile("报告.pdf", PDF + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    response = client.post(url, {**form_data(information_centre), "report_file": big})
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not ExternalAssessment.objects.exists()


def test_improvement_items_are_obligations(client, officer, information_centre, department, staff):
    assessment = ExternalAssessmentFactory(department=information_centre)
    client.force_login(officer)
    due = timezone.localdate() + datetime.timedelta(days=60)
    response = client.post(
        reverse("audits:improvement_add", args=[assessment.pk]),
        {
            "title": "部分服务器未启用登录失败处理",
            "measures": "配置登录失败锁定策略",
            "severity": "medium",
            "department": department.pk,
            "owner": staff.pk,
            "due_at": due.isoformat(),
        },
    )
    assert response.status_code == 302
    item = assessment.findings.get()
    assert item.obligation.kind == "audits.improvement"
    assert item.obligation.assignee == staff
    assert timezone.localtime(item.obligation.due_at).date() == due
    # The owner (another department) may now read the assessment.
    client.force_login(staff)
    assert client.get(assessment.get_absolute_url()).status_code == 200


def test_outsider_cannot_download_the_report(client, outsider, information_centre):
    assessment = ExternalAssessmentFactory(
        department=information_centre, report=SimpleUploadedFile("r.pdf", PDF), report_name="r.pdf"
    )
    client.force_login(outsider)
    assert client.get(reverse("audits:externalassessment_report", args=[assessment.pk])).status_code == 404


def pdf_text(content):
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_quarterly_review_pdf_has_its_sections(client, officer, information_centre, department, staff):
    review = services.ensure_quarterly_review()
    item = review.items.get(clause__code="4.3")
    services.assess_item(item, result="partial", note="上季度结果尚未通报各处室", by=officer)
    services.add_finding(
        review,
        title="季度评估结果未及时通报",
        severity="medium",
        department=department,
        owner=staff,
        due_at=timezone.now() + datetime.timedelta(days=15),
        by=officer,
    )
    services.circulate(review, [department], by=officer)
    client.force_login(officer)
    response = client.get(reverse("audits:quarterlyreview_pdf", args=[review.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    for expected in (
        str(review),
        "一、评估清单",
        "二、发现的问题与整改",
        "三、通报情况",
        "四、评估结论与签发",
        "部分符合",
        "上季度结果尚未通报各处室",
        "季度评估结果未及时通报",
        "社会救助处",
        "第 1 页 共",
    ):
        # pdftotext drops the spaces between CJK characters: compare without whitespace.
        assert "".join(expected.split()) in "".join(text.split()), expected
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PRINT).exists()
