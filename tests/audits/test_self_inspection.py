"""The yearly self-inspection (年度自查, 信息安全管理制度检查内容): an officer opens it once a year,
each clause is pre-filled from the compliance evaluation and answered (evidence accepted, or
attested); 不符合 becomes a finding with its obligation; sign-off needs every item answered, meets
the year's obligation (late after AUDITS_SELF_INSPECTION_DUE) and the worker builds the PDF."""

import datetime
import subprocess

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.models import Finding, QuarterlyReview, ReviewItem
from audits.reviews import services
from audits.tasks import ensure_self_inspection_obligation
from szmz_security.compliance.evidence import Status
from szmz_security.compliance.models import Clause
from szmz_security.compliance.services import evaluate
from szmz_security.jobs import services as jobs
from szmz_security.jobs.models import Job
from szmz_security.obligations.models import Obligation

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def pdf_text(path):
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


@pytest.fixture
def inspection(officer):
    with time_machine.travel(at(2027, 3, 1, 9, 0), tick=False):
        inspection, _ = services.open_self_inspection(by=officer)
    return inspection


def answer_all(inspection, officer):
    for item in inspection.items.filter(result=""):
        services.assess_item(item, result=ReviewItem.Result.COMPLIANT, note="已核查", by=officer)


def test_opening_twice_returns_the_same_inspection(officer):
    with time_machine.travel(at(2027, 3, 1, 9, 0), tick=False):
        first, created = services.open_self_inspection(by=officer)
        second, created_again = services.open_self_inspection(by=officer)
    assert created and not created_again
    assert first == second
    assert QuarterlyReview.objects.filter(kind=QuarterlyReview.Kind.SELF_INSPECTION).count() == 1
    assert str(first) == "2027年度信息安全自查"
    # Every clause of 信息安全管理制度检查内容, once.
    clauses = Clause.objects.filter(framework__code="self-inspection", retired=False)
    assert set(first.items.values_list("clause_id", flat=True)) == set(clauses.values_list("pk", flat=True))
    # The year's obligation, due on AUDITS_SELF_INSPECTION_DUE (12-15).
    assert first.obligation.kind == services.SELF_INSPECTION_KIND
    assert timezone.localtime(first.obligation.due_at).date() == datetime.date(2027, 12, 15)


def test_opening_with_the_bureaus_own_frameworks_adds_their_clauses(officer):
    with time_machine.travel(at(2027, 3, 1, 9, 0), tick=False):
        inspection, _ = services.open_self_inspection(by=officer, include_bureau=True)
    codes = set(inspection.items.values_list("clause__framework__code", flat=True))
    assert {"self-inspection", "szmz-2008"} <= codes
    assert all(code == "self-inspection" or code.startswith(("szmz-", "mz-")) for code in codes)


def test_the_beat_creates_the_yearly_obligation_once(officer, settings):
    settings.AUDITS_SELF_INSPECTION_DUE = "11-30"
    with time_machine.travel(at(2027, 1, 1, 0, 30), tick=False):
        ensure_self_inspection_obligation()
        ensure_self_inspection_obligation()
        inspection, _ = services.open_self_inspection(by=officer)
    obligation = Obligation.objects.get(kind=services.SELF_INSPECTION_KIND)
    assert inspection.obligation == obligation
    assert timezone.localtime(obligation.due_at).date() == datetime.date(2027, 11, 30)


def test_items_are_prefilled_from_the_compliance_evaluation(inspection):
    evaluation = evaluate("self-inspection", as_of=at(2027, 3, 1, 9, 0))
    for item in inspection.items.select_related("clause"):
        expected = evaluation.by_clause[item.clause_id]
        assert item.hint_status == str(expected.status)
        assert item.hint.startswith(expected.reason)
        assert item.result == ""


def test_accepting_evidence_only_where_the_evidence_shows_it(inspection, officer):
    item = inspection.items.first()
    item.hint_status = str(Status.MET)
    item.save()
    services.accept_evidence(item, by=officer)
    item.refresh_from_db()
    assert item.result == ReviewItem.Result.COMPLIANT
    assert item.note.startswith("采纳系统证据")

    missing = inspection.items.exclude(pk=item.pk).first()
    missing.hint_status = str(Status.OVERDUE)
    missing.save()
    with pytest.raises(ValidationError) as error:
        services.accept_evidence(missing, by=officer)
    assert "result" in error.value.message_dict


def test_attesting_noncompliant_needs_a_rectification_and_creates_a_finding(inspection, officer):
    item = inspection.items.first()
    with pytest.raises(ValidationError) as error:
        services.assess_item(item, result=ReviewItem.Result.NONCOMPLIANT, note="未分类", by=officer)
    assert error.value.message_dict["rectification"] == ["自查结果为“不符合”时须填写整改措施。"]
    item.refresh_from_db()
    assert item.result == ""
    assert not Finding.objects.exists()

    with pytest.raises(ValidationError):
        # 部分符合 is the quarterly review's; the self-inspection answers 符合/不符合/不适用.
        services.assess_item(item, result=ReviewItem.Result.PARTIAL, note="x", by=officer)

    services.assess_item(
        item,
        result=ReviewItem.Result.NONCOMPLIANT,
        note="未分类",
        rectification="三月底前完成分类",
        by=officer,
    )
    finding = Finding.objects.get()
    assert finding.review == inspection
    assert finding.item == item
    assert finding.measures == "三月底前完成分类"
    assert finding.obligation.kind == services.FINDING_KIND
    assert item.history.count() == 2  # created, attested


def test_cannot_sign_off_with_open_items_and_says_which(inspection, officer):
    first = inspection.items.first()
    services.assess_item(first, result=ReviewItem.Result.COMPLIANT, note="", by=officer)
    with pytest.raises(ValidationError) as error:
        services.sign_off(inspection, by=officer)
    missing = inspection.items.filter(result="").count()
    assert f"尚有 {missing} 项未评估" in error.value.messages[0]
    inspection.refresh_from_db()
    assert not inspection.signed_off


def test_sign_off_meets_the_obligation_and_is_then_read_only(inspection, officer):
    with time_machine.travel(at(2027, 12, 1, 10, 0), tick=False):
        answer_all(inspection, officer)
        services.sign_off(inspection, by=officer, summary="年度自查完成")
    inspection.obligation.refresh_from_db()
    assert inspection.obligation.state == Obligation.State.MET
    inspection.refresh_from_db()
    with pytest.raises(ValidationError, match="已于"):
        services.assess_item(inspection.items.first(), result="not_applicable", note="x", by=officer)


def test_a_sign_off_after_the_due_day_is_late(inspection, officer):
    with time_machine.travel(at(2027, 12, 20, 10, 0), tick=False):
        answer_all(inspection, officer)
        services.sign_off(inspection, by=officer)
    inspection.obligation.refresh_from_db()
    assert inspection.obligation.state == Obligation.State.MET_LATE


def test_staff_of_another_department_is_refused(client, inspection, outsider):
    client.force_login(outsider)
    assert client.get(inspection.get_absolute_url()).status_code == 404
    response = client.get(reverse("audits:quarterlyreview_list") + "?kind=self_inspection")
    assert str(inspection) not in response.content.decode()
    item = inspection.items.first()
    url = reverse("audits:reviewitem_accept", args=[inspection.pk, item.pk])
    assert client.post(url, {}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.open_self_inspection(by=outsider)


def test_officer_opens_and_answers_through_the_screens(client, officer):
    client.force_login(officer)
    response = client.post(reverse("audits:quarterlyreview_self_inspection"), {})
    inspection = QuarterlyReview.objects.get(kind=QuarterlyReview.Kind.SELF_INSPECTION)
    assert response.status_code == 302
    assert response.url == inspection.get_absolute_url()
    # Opening again lands on the same one.
    client.post(reverse("audits:quarterlyreview_self_inspection"), {})
    assert QuarterlyReview.objects.filter(kind=QuarterlyReview.Kind.SELF_INSPECTION).count() == 1
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "自查清单" in page and "采纳证据" in page

    item = inspection.items.first()
    url = reverse("audits:reviewitem_assess", args=[inspection.pk, item.pk])
    response = client.post(url, {f"item{item.pk}-result": "noncompliant", f"item{item.pk}-note": "缺"})
    assert response.status_code == 400
    assert "自查结果为“不符合”时须填写整改措施。" in response.content.decode()
    assert not Finding.objects.exists()


def test_the_pdf_job_builds_a_pdf_naming_the_documents(client, officer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(at(2027, 3, 1, 9, 0), tick=False):
        inspection, _ = services.open_self_inspection(by=officer, include_bureau=True)
    answer_all(inspection, officer)
    services.sign_off(inspection, by=officer, summary="年度自查完成")
    job = Job.objects.get(kind=services.SELF_INSPECTION_PDF_JOB, subject_id=inspection.pk)
    jobs.run(job.pk, beating=False)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    inspection.refresh_from_db()
    assert inspection.pdf_file
    text = pdf_text(inspection.pdf_file.path)
    assert "信息安全管理制度检查内容" in text
    assert "深圳市民政局信息安全管理制度" in text
    assert "2027年度信息安全自查" in text

    client.force_login(officer)
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "下载自查报告" in page
    response = client.get(reverse("audits:quarterlyreview_pdf", args=[inspection.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
