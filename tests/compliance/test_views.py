"""The compliance dashboard: who may see it, what it shows, the attestation form, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from szmz_security.compliance.models import Attestation, Clause
from tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db


def clause(code, framework="szmz-2008"):
    return Clause.objects.get(framework__code=framework, code=code)


def pages():
    fire = clause("5.7")
    return [
        reverse("compliance:overview"),
        reverse("compliance:overview") + "?framework=szmz-2008&status=overdue",
        reverse("compliance:chapter", args=["szmz-2008", "5"]),
        reverse("compliance:clause", args=[fire.pk]),
        reverse("compliance:clause_history", args=[fire.pk]),
    ]


@pytest.mark.parametrize("who", ["staff", "head", "outsider"])
def test_department_staff_and_heads_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in pages():
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("compliance:clause_attest", args=[clause("1.4").pk]),
        {"note": "x", "valid_until": "2030-01-01"},
    )
    assert response.status_code == 403
    assert not Attestation.objects.exists()


@pytest.mark.parametrize("who", ["officer", "inspector", "leader"])
def test_officers_inspectors_and_leadership_see_every_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in pages():
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("compliance:overview"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_overview_counts_each_status_per_framework_and_chapter(client, officer):
    now = timezone.now()
    ObligationFactory(
        kind="machine_room.fire_check",
        created_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(days=1),
    )
    client.force_login(officer)
    response = client.get(reverse("compliance:overview"))
    html = response.content.decode()
    assert "深圳市民政局信息安全管理制度" in html and "中华人民共和国网络安全法" in html
    assert "第五章 中心机房管理制度" in html
    assert 'data-testid="nav-compliance"' in html and "合规总览" in html
    evaluation = response.context["evaluation"]
    chapter = evaluation.chapter("szmz-2008", "5")
    assert chapter.counts["overdue"] >= 1 and chapter.total == 8
    assert evaluation.by_clause[clause("5.7").pk].status == "overdue"
    assert f'data-status="overdue" data-count="{chapter.counts["overdue"]}"' in html
    assert 'data-status="not_applicable" data-count="4"' in html  # 1.7, 2.9, 11.1, 11.2

    filtered = client.get(reverse("compliance:overview"), {"framework": "szmz-2008", "status": "overdue"})
    rows = filtered.context["matching"]
    assert {row.clause.code for row in rows} >= {"5.7"}
    assert all(row.status == "overdue" for row in rows)
    assert [f.framework.code for f in filtered.context["evaluation"].frameworks] == ["szmz-2008"]


def test_chapter_lists_its_clauses_with_status_and_reason(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("compliance:chapter", args=["szmz-2008", "11"]))
    html = response.content.decode()
    assert "第十一章 附则" in html and "施行日期条款，无需证据。" in html
    assert len(response.context["rows"]) == 2
    only_met = client.get(reverse("compliance:chapter", args=["szmz-2008", "11"]), {"status": "met"})
    assert only_met.context["rows"] == []
    assert client.get(reverse("compliance:chapter", args=["szmz-2008", "99"])).status_code == 404


def test_clause_page_shows_text_status_reason_and_linked_evidence(client, officer):
    now = timezone.now()
    overdue = ObligationFactory(
        title="2026年2月消防检查",
        kind="machine_room.fire_check",
        created_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(days=1),
    )
    client.force_login(officer)
    html = client.get(reverse("compliance:clause", args=[clause("5.7").pk])).content.decode()
    assert "对机房内设置的消防器材每月进行检查,以保证其有效性;" in html
    assert "已逾期" in html and "2026年2月消防检查" in html and "已逾期未完成" in html
    assert overdue.get_absolute_url() in html and "2026年2月消防检查" in html
    assert "数据模型" not in html  # assets.FireCheck exists: its absence of records is “no evidence”


def test_officer_attests_a_clause_through_the_form(client, officer):
    manual = clause("1.4")
    client.force_login(officer)
    url = reverse("compliance:clause_attest", args=[manual.pk])
    form = client.get(url)
    # The form offers exactly one period: this year (1.4 is checked yearly).
    last_day = timezone.localdate().replace(month=12, day=31)
    assert form.status_code == 200
    assert form.context["form"].fields["valid_until"].choices == [
        (last_day.isoformat(), f"{last_day.year}年（有效期至 {last_day:%Y-%m-%d}）")
    ]
    missing = client.post(url, {"note": " ", "valid_until": last_day.isoformat()})
    assert missing.status_code == 400 and "请说明检查了什么" in missing.content.decode()
    longer = client.post(
        url,
        {"note": "已配合公安机关检查", "valid_until": (last_day + datetime.timedelta(days=1)).isoformat()},
    )
    assert longer.status_code == 400 and "人工确认只能覆盖本期" in longer.content.decode()
    response = client.post(url, {"note": "已配合公安机关检查", "valid_until": last_day.isoformat()})
    assert response.status_code == 302 and response["Location"] == manual.get_absolute_url()
    attestation = Attestation.objects.get()
    assert attestation.by == officer and attestation.history.first().history_user == officer
    assert attestation.valid_until == last_day
    page = client.get(manual.get_absolute_url()).content.decode()
    assert "已配合公安机关检查" in page and "1 年按期完成" in page
    # Automatically evidenced clauses have no attestation form.
    assert client.get(reverse("compliance:clause_attest", args=[clause("5.7").pk])).status_code == 404


def test_inspectors_read_but_do_not_attest_or_override(client, inspector):
    client.force_login(inspector)
    manual = clause("1.4")
    page = client.get(manual.get_absolute_url()).content.decode()
    assert 'data-testid="attest"' not in page
    assert (
        client.post(
            reverse("compliance:clause_attest", args=[manual.pk]), {"note": "x", "valid_until": "2030-01-01"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("compliance:clause_applicability", args=[manual.pk]), {"applicable": "0", "reason": "x"}
        ).status_code
        == 403
    )


def test_officer_marks_a_clause_not_applicable(client, officer):
    target = clause("10.3")
    client.force_login(officer)
    response = client.post(
        reverse("compliance:clause_applicability", args=[target.pk]),
        {"applicable": "0", "reason": "本局不运行电子邮件服务"},
    )
    assert response.status_code == 302
    chapter = client.get(reverse("compliance:chapter", args=["szmz-2008", "10"]))
    row = next(r for r in chapter.context["rows"] if r.clause.code == "10.3")
    assert row.status == "not_applicable" and row.reason == "本局不运行电子邮件服务（人工判定）"


def count_page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_pages_issue_a_constant_number_of_queries(client, officer, department):
    client.force_login(officer)
    now = timezone.now()
    urls = [reverse("compliance:overview"), reverse("compliance:clause", args=[clause("5.7").pk])]

    def add(n):
        for i in range(n):
            ObligationFactory(
                kind="machine_room.fire_check",
                department=department,
                created_at=now - datetime.timedelta(days=40 + i),
                due_at=now - datetime.timedelta(days=i),
            )

    add(3)
    for url in urls:
        count_page_queries(client, url)  # warm the content-type cache
    few = [count_page_queries(client, url) for url in urls]
    add(30)
    assert [count_page_queries(client, url) for url in urls] == few
