"""The inspection PDF (信息安全合规检查报告): built by the Celery task with progress, its sections and
Chinese text really drawn, who may request and download it, the audit event, bad periods refused."""

import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import Incident, RegulatorReport
from szmz_security.auditlog.models import AuditEvent
from szmz_security.compliance import reports
from szmz_security.compliance.models import Framework, InspectionReport
from szmz_security.compliance.tasks import KIND
from szmz_security.jobs import services as jobs
from szmz_security.jobs.models import Job
from szmz_security.obligations.models import Obligation
from tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db

CHAPTERS = (
    "第一章",
    "第二章",
    "第三章",
    "第四章",
    "第五章",
    "第六章",
    "第七章",
    "第八章",
    "第九章",
    "第十章",
    "第十一章",
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(path):
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


@pytest.fixture
def period_data(department, staff, officer):
    """An incident with one regulator report sent on time and one deadline missed, and an overdue
    obligation of another kind."""
    incident = incident_services.file_incident(
        Incident(
            title="门户网站<首页>被篡改 & 挂马",
            description="首页被植入博彩链接",
            discovered_at=timezone.now() - timedelta(days=5),
            department=department,
            reported_by=staff,
            category="attack",
            subcategory="attack.intrusion",
            crime_suspected=True,
        )
    )
    police = incident.obligations.get(kind="incident.police")
    incident_services.record_report(
        incident,
        police,
        by=officer,
        sent_at=incident.discovered_at + timedelta(minutes=30),
        channel=RegulatorReport.Channel.ONLINE,
        receiving_body="市公安局网警支队",
    )
    ObligationFactory(
        title="机房消防检查（三月）未完成",
        department=department,
        created_at=timezone.now() - timedelta(days=20),
        due_at=timezone.now() - timedelta(days=10),
    )
    return incident


def request(user, start=None, end=None):
    """A requested report with its queued job, as reports.request_report leaves it."""
    today = timezone.localdate()
    report = InspectionReport.objects.create(
        period_start=start or today - timedelta(days=60), period_end=end or today, requested_by=user
    )
    jobs.create(KIND, report, by=user, total=100)
    return report


def build_inspection_report(report_pk):
    """What the worker does with the report's job message (jobs.run)."""
    return jobs.run(Job.objects.get(subject_id=report_pk, kind=KIND).pk)


def test_task_builds_a_pdf_with_every_section_in_chinese(officer, period_data, tmp_path):
    report = request(officer)
    assert build_inspection_report(report.pk) == InspectionReport.State.DONE
    report.refresh_from_db()
    assert report.state == "done" and report.job.percent == 100 and report.finished_at
    assert report.file.name.startswith("compliance/reports/") and report.file.name.endswith(".pdf")
    assert report.pages >= 3 and report.size > 1000
    path = report.file.path
    text = pdf_text(path)
    compact = text.replace(" ", "")
    assert "深圳市民政局" in text and "信息安全合规检查报告" in text
    assert f"{report.period_start:%Y年%m月%d日}" in compact
    for chapter in CHAPTERS:
        assert chapter in text, chapter
    assert "一、合规状况概要" in text and "二、逐章检查情况" in text
    # Each framework — every binding document of the collection — is its own section in both parts.
    flat = re.sub(r"\s", "", text)
    for framework in Framework.objects.filter(active=True):
        assert f"{framework.name}（数据版本{framework.version}）" in flat, framework.code
        first = framework.chapters.filter(retired=False).order_by("sort_order").first()
        assert re.sub(r"\s", "", f"{framework.short_name} {first.label} {first.title}") in flat, (
            framework.code
        )
    assert "等保2.0三级8.1.10安全运维管理" in flat
    assert "三、安全事件与报告时限" in text
    # the incident's title (user text, XML-escaped) with its deadlines: one met, one missed
    assert "门户网站<首页>被篡改 & 挂马" in text
    assert "已按期" in compact and "已逾期" in compact
    assert "市公安局网警支队" in compact
    assert "机房消防检查（三月）未完成" in compact
    assert "检查人（签字）" in text and "被检查单位负责人（签字）" in text
    assert "第 1 页 共" in text
    assert f"共 {report.pages} 页" in text

    # page 1 really drawn (embedded font, not blank)
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", path, str(prefix)], check=True)
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    image = Image.open(io.BytesIO(png.read_bytes())).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 200


def test_deadline_status_at_the_end_of_the_period(officer, department):
    now = timezone.now()
    on_time = ObligationFactory(due_at=now, state="met", met_at=now - timedelta(hours=1))
    late = ObligationFactory(
        due_at=now - timedelta(hours=5), state="met_late", met_at=now - timedelta(hours=1)
    )
    missed = ObligationFactory(due_at=now - timedelta(hours=2))
    pending = ObligationFactory(due_at=now + timedelta(hours=2))
    assert reports.deadline_status(on_time, now) == "已按期"
    assert reports.deadline_status(late, now) == "逾期完成"
    assert reports.deadline_status(missed, now) == "已逾期"
    assert reports.deadline_status(pending, now) == "未到期"
    # met after the end of the period: still missed as of the period end
    assert reports.deadline_status(late, now - timedelta(hours=3)) == "已逾期"
    assert missed in reports.open_at(Obligation.objects.all(), now)
    assert late in reports.open_at(Obligation.objects.all(), now - timedelta(hours=3))
    assert late not in reports.open_at(Obligation.objects.all(), now)


def test_progress_is_recorded_step_by_step(officer, monkeypatch):
    report = request(officer)
    seen = []
    original = reports.build

    def spy(report_obj, progress):
        def record(percent, step):
            progress(percent, step)
            row = InspectionReport.objects.get(pk=report_obj.pk)
            seen.append((row.state, row.job.done, row.job.message))

        return original(report_obj, record)

    monkeypatch.setattr(reports, "build", spy)
    build_inspection_report(report.pk)
    assert seen[0][0] == "running"
    percents = [p for _, p, _ in seen]
    assert percents == sorted(percents) and percents[-1] < 100
    assert "评估合规状况" in [step for _, _, step in seen]
    report.refresh_from_db()
    assert (report.state, report.job.state, report.job.percent) == ("done", "done", 100)
    # a finished report is never rebuilt in place
    assert build_inspection_report(report.pk) is None


def test_a_failed_build_records_and_shows_the_error(client, officer, monkeypatch):
    report = request(officer)

    def boom(*args, **kwargs):
        raise RuntimeError("字体文件损坏")

    monkeypatch.setattr(reports, "build_pdf", boom)
    assert build_inspection_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.state == "failed" and "字体文件损坏" in report.error and not report.file
    client.force_login(officer)
    page = client.get(reverse("compliance:inspectionreport", args=[report.pk])).content.decode()
    assert 'data-testid="inspection-failed"' in page and "字体文件损坏" in page
    assert client.get(reverse("compliance:inspectionreport_download", args=[report.pk])).status_code == 404


def test_progress_partial_polls_until_done(client, officer):
    report = request(officer)
    client.force_login(officer)
    url = reverse("compliance:inspectionreport_progress", args=[report.pk])
    partial = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "排队中" in partial
    InspectionReport.objects.filter(pk=report.pk).update(state="running")
    Job.objects.filter(subject_id=report.pk).update(
        state="running", done=45, message="汇总安全事件与报告时限"
    )
    partial = client.get(url).content.decode()
    assert "汇总安全事件与报告时限（45%）" in partial and 'hx-trigger="every 1s"' in partial
    build_inspection_report(request(officer, report.period_start, report.period_end).pk)
    done = InspectionReport.objects.filter(state="done").get()
    partial = client.get(reverse("compliance:inspectionreport_progress", args=[done.pk])).content.decode()
    assert "hx-trigger" not in partial and 'data-testid="inspection-download"' in partial


@pytest.mark.parametrize("who", ["officer", "inspector", "leader"])
def test_officers_inspectors_and_leadership_request_and_download(
    client, request, who, django_capture_on_commit_callbacks, monkeypatch
):
    user = request.getfixturevalue(who)
    sent = []
    monkeypatch.setattr(
        "szmz_security.core.tasks.send_task_now", lambda name, *args, **kw: sent.append((name, args))
    )
    client.force_login(user)
    assert client.get(reverse("compliance:inspectionreport_list")).status_code == 200
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("compliance:inspectionreport_list"),
            {"period_start": (today - timedelta(days=30)).isoformat(), "period_end": today.isoformat()},
        )
    report = InspectionReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.requested_by, report.state) == (user, "queued")
    assert sent == [("jobs.run", (report.job.pk,))]

    build_inspection_report(report.pk)
    report.refresh_from_db()
    response = client.get(reverse("compliance:inspectionreport_download", args=[report.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert (event.user, event.object_id, event.detail["pages"]) == (user, str(report.pk), report.pages)
    listing = client.get(reverse("compliance:inspectionreport_list")).content.decode()
    assert (
        "已完成" in listing and reverse("compliance:inspectionreport_download", args=[report.pk]) in listing
    )


@pytest.mark.parametrize("who", ["staff", "head", "outsider", "secrecy"])
def test_department_staff_heads_and_others_are_refused(client, request, who, officer):
    report = request_report_done(officer)
    client.force_login(request.getfixturevalue(who))
    for name, args in [
        ("compliance:inspectionreport_list", []),
        ("compliance:inspectionreport", [report.pk]),
        ("compliance:inspectionreport_progress", [report.pk]),
        ("compliance:inspectionreport_download", [report.pk]),
        ("compliance:inspectionreport_history", [report.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    today = timezone.localdate()
    response = client.post(
        reverse("compliance:inspectionreport_list"),
        {"period_start": today.isoformat(), "period_end": today.isoformat()},
    )
    assert response.status_code == 403
    assert InspectionReport.objects.count() == 1
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PRINT).exists()


def request_report_done(user):
    report = request(user)
    build_inspection_report(report.pk)
    report.refresh_from_db()
    return report


def test_history_tab_lists_the_request_and_completion(client, officer):
    report = request_report_done(officer)
    client.force_login(officer)
    page = client.get(reverse("compliance:inspectionreport_history", args=[report.pk])).content.decode()
    assert "生成完成" in page


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        (10, 20, "period_end", "结束日期不能早于开始日期。"),
        (0, -5, "period_end", "结束日期不能晚于今天"),
        (-3, -5, "period_start", "开始日期不能晚于今天。"),
        (4 * 365, 0, "period_start", "检查期间最长三年"),
        (None, 0, "period_start", "请填写开始日期。"),
        ("2026-02-30", 0, "period_start", "请输入有效日期"),
    ],
)
def test_bad_periods_are_refused_next_to_the_field_and_nothing_is_written(
    client, officer, start, end, field, message
):
    # offsets are days before today (negative: in the future)
    today = timezone.localdate()

    def value(offset):
        if offset is None:
            return ""
        if isinstance(offset, str):
            return offset
        return (today - timedelta(days=offset)).isoformat()

    client.force_login(officer)
    response = client.post(
        reverse("compliance:inspectionreport_list"), {"period_start": value(start), "period_end": value(end)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-field="{field}">{message}' in page
    assert not InspectionReport.objects.exists()


def test_validate_period_allows_three_years_up_to_today():
    today = date(2026, 6, 30)
    assert reports.validate_period(date(2023, 7, 1), today, today=today) == {}
    assert "period_start" in reports.validate_period(date(2023, 6, 1), today, today=today)


def test_pdftoppm_available():
    assert shutil.which("pdftotext") and shutil.which("pdftoppm")


def test_overdue_obligations_are_counted_per_kind_and_listed_up_to_the_limit(settings, officer, department):
    settings.COMPLIANCE_REPORT_MAX_ROWS = 1
    now = timezone.now()
    ObligationFactory(
        title="最早逾期的备份记录",
        kind="machine_room.backup",
        department=department,
        due_at=now - timedelta(days=3),
    )
    ObligationFactory(
        title="较晚逾期的备份记录",
        kind="machine_room.backup",
        department=department,
        due_at=now - timedelta(days=1),
    )
    ObligationFactory(
        title="尚未到期", kind="machine_room.backup", department=department, due_at=now + timedelta(days=1)
    )
    report = request_report_done(officer)
    text = pdf_text(report.file.path).replace(" ", "")
    text = text.split("四、截至期末的逾期事项")[1].split("五、发现问题与整改情况")[0]
    assert "截至期末共有2项事项逾期未完成" in text
    assert "以下列出截止时间最早的1项（共2项）" in text
    assert "最早逾期的备份记录" in text and "较晚逾期的备份记录" not in text and "尚未到期" not in text


def test_a_request_whose_task_was_lost_is_built_by_the_minute_catch_up(
    officer, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker was down when the report was requested: the stale-job sweep sends it again,
    once, and the worker builds it."""
    sent = []
    monkeypatch.setattr("szmz_security.core.tasks.send_task_now", lambda name, *args: sent.append(args[0]))
    report = request(officer)
    assert jobs.requeue_stale() == {"requeued": [], "failed": []}  # its own message may still arrive
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert jobs.requeue_stale() == {"requeued": [report.job.pk], "failed": []}
        assert jobs.requeue_stale() == {"requeued": [], "failed": []}
    assert sent == [report.job.pk]
    assert jobs.run(sent[0]) == "done"
    report.refresh_from_db()
    assert report.state == InspectionReport.State.DONE and report.pages >= 1
