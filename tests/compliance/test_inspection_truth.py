"""The inspection PDF an inspector signs: evaluated at one instant with the dashboard (the end of the
period, or now when it has not ended — never the future), each clause with its text, its coverage
per period and its evidence, each framework's source, the seal line."""

import datetime
import subprocess
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from szmz_security.compliance import reports
from szmz_security.compliance.evidence import STATUS_LABELS
from szmz_security.compliance.models import Clause, InspectionReport
from szmz_security.compliance.tasks import KIND
from szmz_security.jobs import services as jobs
from szmz_security.obligations.services import meet
from tests.factories import ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(path):
    # Reading order (no -layout): a table cell's lines stay together.
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_the_pdf_does_not_predict_the_future_and_agrees_with_the_dashboard(client, officer):
    now = at(2026, 12, 7, 10, 14)
    with time_machine.travel(now, tick=False):
        # A police report due at 14:12 today: due soon at 10:14, not overdue.
        ObligationFactory(
            kind="incident.police",
            title="案件报告",
            created_at=at(2026, 12, 6, 14, 12),
            due_at=at(2026, 12, 7, 14, 12),
        )
        # A leak reported to the secrecy bureau two hours after its deadline: 未按期.
        late = ObligationFactory(
            kind="incident.secrecy",
            title="泄密报告",
            created_at=at(2026, 11, 1, 9),
            due_at=at(2026, 11, 2, 9),
        )
        with time_machine.travel(at(2026, 11, 2, 11), tick=False):
            meet(late, by=UserFactory(), evidence="已报告")
        report = InspectionReport.objects.create(
            period_start=(now - datetime.timedelta(days=365)).date(),
            period_end=now.date(),
            requested_by=officer,
        )
        job = jobs.create(KIND, report, by=officer, total=100)
        data = reports.collect(report)
        assert data["as_of"] == now  # the period has not ended: now, not 23:59:59 tonight
        client.force_login(officer)
        dashboard = client.get(reverse("compliance:overview")).context["evaluation"]
        assert jobs.run(job.pk) == InspectionReport.State.DONE

    printed = {
        (fw["short_name"], row[0]): row[2]
        for fw in data["frameworks"]
        for ch in fw["chapters"]
        for row in ch["rows"]
    }
    shown = {
        (c.clause.framework.short_name, c.clause.code_on(now)): STATUS_LABELS[c.status]
        for c in dashboard.clauses
    }
    assert printed == shown
    assert printed[("市民政局制度", "第三章第4条")] == "即将到期"
    assert printed[("市民政局制度", "第三章第5条")] == "未按期"

    report.refresh_from_db()
    text = pdf_text(report.file.path)
    compact = "".join(text.split())
    # The clause's full text, its status and the late report named.
    assert "对计算机信息系统发生的泄密事件,应当在24小时内向当地保密机关报告。" in compact
    assert "未按期" in compact and "泄密报告" in compact
    assert "逾期完成" in compact
    # Per-period coverage of a periodic clause, a framework's source and the summaries' caveat.
    assert "个季度中" in compact
    assert "发布时间2010-10-14" in compact
    assert "要点摘要，以正式文本为准" in compact
    # The renumbered article of the 2025 amendment, and the seal line.
    assert "23(3)" in compact
    assert "被检查单位（盖章）" in compact


def test_a_past_period_is_evaluated_at_its_end():
    with time_machine.travel(at(2026, 12, 7, 10, 14), tick=False):
        since, as_of = reports.period_bounds(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert since == at(2026, 1, 1) and as_of.date() == datetime.date(2026, 3, 31)
    assert (as_of.hour, as_of.minute) == (23, 59)
    # No verification of the audit log's chain had been made by then: the PDF says so.
    assert "尚未进行校验" in reports.audit_chain_summary(None, as_of)
    assert Clause.objects.filter(framework__code="csl", code="21.3").exists()


def test_the_quarterly_review_checklist_is_evaluated_at_its_quarters_end():
    from audits.reviews.services import generate_checklist
    from szmz_security.compliance import services
    from tests.audits.factories import QuarterlyReviewFactory

    clause = Clause.objects.get(framework__code="szmz-2008", code="5.2")  # quarterly 机房巡查
    officer = UserFactory(roles=["security_officer"])
    with time_machine.travel(at(2026, 3, 1, 9), tick=False):
        services.attest(clause, by=officer, note="一季度机房巡查")
    with time_machine.travel(at(2026, 7, 1, 9), tick=False):
        review = QuarterlyReviewFactory(year=2026, quarter=1)
        generate_checklist(review)
        hint = review.items.get(clause=clause).hint
        # As of 2026-03-31 23:59: the first quarter is met; the second had not ended (nor begun).
        assert "2026年第2季度" not in hint and "按期完成" in hint
        # The same clause on the dashboard now: the second quarter passed without a check.
        assert "2026年第2季度" in services.evaluate("szmz-2008").by_clause[clause.pk].reason


def test_the_pdf_states_the_last_audit_chain_verification(officer):
    """The signature section says whether the audit log's hash chain was intact when last checked,
    and a break after the period's end is not reported as before it."""
    from szmz_security.auditlog.services import record, verify_chain

    with time_machine.travel(at(2026, 12, 1, 3), tick=False):
        record(kind="login", user=officer)
        verify_chain(notify_officers=False)
    report = InspectionReport.objects.create(
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 5), requested_by=officer
    )
    assert "校验通过" in reports.audit_chain_summary(report, at(2026, 12, 5, 23, 59))
    assert "尚未进行校验" in reports.audit_chain_summary(report, at(2026, 11, 30, 23, 59))
    with time_machine.travel(at(2026, 12, 7, 10), tick=False):
        job = jobs.create(KIND, report, by=officer, total=100)
        jobs.run(job.pk)
    report.refresh_from_db()
    text = pdf_text(report.file.path)
    assert "审计日志完整性校验" in text and "2026-12-01 03:00 校验通过" in text
