"""The monthly report of held harmful content (10 §4): its obligation and its generation."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from publishing.board import services
from publishing.models import BoardMessage, HarmfulContentReport
from publishing.tasks import ensure_report_obligation
from szmz_security.obligations.models import Obligation

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_obligation_for_last_month_created_once_at_the_month_boundary(info_centre):
    # 00:30 on 1 December in Shanghai is still 30 November in UTC: the month is local.
    with time_machine.travel(at(2026, 12, 1, 0, 30), tick=False):
        ensure_report_obligation()
        ensure_report_obligation()
        services.ensure_report_obligation()
    report = HarmfulContentReport.objects.get()
    assert report.month.isoformat() == "2026-11-01"
    obligation = Obligation.objects.get(kind=services.REPORT_KIND)
    assert report.obligation == obligation
    assert obligation.clause == "市民政局制度 第十章第4条"
    assert obligation.department == info_centre
    assert obligation.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-12-10"
    assert obligation.subject == report
    with time_machine.travel(at(2026, 11, 30, 23, 30), tick=False):
        ensure_report_obligation()  # still November: October's report
    assert set(HarmfulContentReport.objects.values_list("month", flat=True).order_by("month")) == {
        datetime(2026, 10, 1).date(),
        datetime(2026, 11, 1).date(),
    }
    assert Obligation.objects.filter(kind=services.REPORT_KIND).count() == 2


def test_missing_department_is_skipped_with_a_log_line(db, caplog, settings):
    settings.PUBLISHING_REPORT_DEPARTMENT = "NOPE"
    with caplog.at_level(logging.WARNING, logger="publishing.services"):
        assert ensure_report_obligation() is None
    assert "NOPE" in caplog.text
    assert not Obligation.objects.exists()


def held(text, when, hits=None, status=BoardMessage.Status.HELD):
    return BoardMessage.objects.create(
        name="匿名",
        text=text,
        status=status,
        submitted_at=when,
        filter_hits=hits
        or [{"word": "赌博网站", "category": "gambling", "level": "block", "start": 0, "end": 4}],
    )


@pytest.fixture
def november_messages(db):
    held("赌博网站注册就送", at(2026, 11, 3, 10))
    held("赌博网站第二条", at(2026, 11, 30, 23, 50))
    held("十月的留言", at(2026, 10, 31, 23, 50))
    held("十二月的留言", at(2026, 12, 1, 0, 10))
    held("正常显示的留言", at(2026, 11, 5, 9), hits=[], status=BoardMessage.Status.SHOWN)


def test_generate_report_on_time_meets_the_obligation(info_centre, info_officer, november_messages):
    with time_machine.travel(at(2026, 12, 5, 9), tick=False):
        services.ensure_report_obligation()
        report = services.generate_report(datetime(2026, 11, 1).date(), by=info_officer)
    assert report.message_count == 2
    assert report.pdf.open("rb").read().startswith(b"%PDF")
    csv_text = report.csv.open("rb").read().decode("utf-8-sig")
    assert "赌博网站注册就送" in csv_text and "赌博网站第二条" in csv_text
    assert "十月" not in csv_text and "十二月" not in csv_text and "正常显示" not in csv_text
    assert "赌博网站（gambling，拦截）" in csv_text
    assert report.obligation.state == Obligation.State.MET
    assert report.obligation.met_by == info_officer


def test_generate_report_after_the_10th_is_met_late(info_centre, info_officer, november_messages, client):
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        ensure_report_obligation()
    with time_machine.travel(at(2026, 12, 12, 9), tick=False):
        client.force_login(info_officer)
        response = client.post(reverse("publishing:report_list"), {"month": "2026-11"})
        assert response.status_code == 302
        report = HarmfulContentReport.objects.get(month="2026-11-01")
        assert report.obligation.state == Obligation.State.MET_LATE
        response = client.get(reverse("publishing:report_file", args=[report.pk, "pdf"]))
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        response = client.get(reverse("publishing:report_file", args=[report.pk, "csv"]))
        assert "赌博网站第二条" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_current_month_and_permissions_are_refused(info_centre, info_officer, staff, client):
    with time_machine.travel(at(2026, 12, 5, 9), tick=False):
        with pytest.raises(ValidationError):
            services.generate_report(datetime(2026, 12, 1).date(), by=info_officer)
        client.force_login(staff)
        assert client.get(reverse("publishing:report_list")).status_code == 403
        client.force_login(info_officer)
        response = client.post(reverse("publishing:report_list"), {"month": "2026-12"})
        assert response.status_code == 400
        assert "只能生成已结束月份的报告" in response.content.decode()


def test_empty_month_still_produces_a_report(info_centre, info_officer):
    with time_machine.travel(at(2026, 12, 5, 9), tick=False):
        report = services.generate_report(datetime(2026, 11, 1).date(), by=info_officer)
    assert report.message_count == 0
    assert report.pdf.open("rb").read().startswith(b"%PDF")
    assert report.obligation.state == Obligation.State.MET
