"""Governance screens: every list issues a constant number of queries (3 rows vs 30), detail
pages render their sections, edit forms save, and the demo data is idempotent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import demo
from audits.governance import services as governance
from audits.models import (
    AccountReview,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PrivilegedAccount,
    SecurityScan,
    TrainingSession,
)
from szmz_security.org.management.commands.seed_demo import Command
from tests.audits.governance_factories import (
    AccountReviewFactory,
    LogSourceFactory,
    OfficerAppointmentFactory,
    OnCallShiftFactory,
    PatchRecordFactory,
    PrivilegedAccountFactory,
    SecurityScanFactory,
    TrainingSessionFactory,
)
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("audits:officerappointment_list", OfficerAppointmentFactory),
    ("audits:oncallshift_list", OnCallShiftFactory),
    ("audits:securityscan_list", SecurityScanFactory),
    ("audits:patchrecord_list", PatchRecordFactory),
    ("audits:logsource_list", LogSourceFactory),
    ("audits:trainingsession_list", TrainingSessionFactory),
    ("audits:accountreview_list", AccountReviewFactory),
    ("audits:privilegedaccount_list", PrivilegedAccountFactory),
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name,factory", LISTS, ids=[name for name, _ in LISTS])
def test_list_queries_do_not_grow_with_rows(client, officer, url_name, factory):
    xxzx = DepartmentFactory(code="XXZX")
    client.force_login(officer)
    url = reverse(url_name)
    factory.create_batch(3, department=xxzx)
    if factory is SecurityScanFactory:
        for scan in SecurityScan.objects.all():
            governance.add_scan_finding(
                scan, severity="low", description="x", owner=officer, fix_due=scan.scanned_on, by=officer
            )
    if factory is TrainingSessionFactory:
        for session in TrainingSession.objects.all():
            governance.record_attendance(session, users=[officer])
    queries_for(client, url)  # warm caches (content types, permissions)
    few = queries_for(client, url)
    factory.create_batch(27, department=xxzx)
    many = queries_for(client, url)
    assert many == few, f"{url_name}: {few} queries with 3 rows, {many} with 30"


def test_detail_pages_render(client, officer):
    xxzx = DepartmentFactory(code="XXZX")
    client.force_login(officer)
    scan = SecurityScanFactory(department=xxzx)
    governance.add_scan_finding(
        scan, severity="high", description="弱口令漏洞", owner=officer, fix_due=scan.scanned_on, by=officer
    )
    session = TrainingSessionFactory(department=xxzx)
    governance.record_attendance(session, users=[officer])
    account = PrivilegedAccountFactory(department=xxzx)
    source = LogSourceFactory(department=xxzx, retention_days=90)
    for obj, text in (
        (scan, "弱口令漏洞"),
        (session, 'data-testid="attendance"'),
        (account, account.account_name),
        (source, "低于网络安全法"),
        (OfficerAppointmentFactory(department=xxzx), "兼职"),
        (OnCallShiftFactory(department=xxzx), "值班电话"),
        (AccountReviewFactory(department=xxzx), "完成核对"),
    ):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200
        assert text in response.content.decode()
        assert client.get(obj.get_absolute_url() + "history/").status_code == 200


def test_log_source_verify_button_records_today(client, officer):
    source = LogSourceFactory(department=DepartmentFactory(code="XXZX"), last_verified_on=None)
    client.force_login(officer)
    assert client.post(reverse("audits:logsource_verify", args=[source.pk])).status_code == 302
    source.refresh_from_db()
    assert source.verified_by == officer and source.last_verified_on is not None


def test_demo_governance_seed_is_idempotent():
    command = Command()
    departments = command.seed_departments()
    users = command.seed_users(departments)
    demo.seed(departments, users)
    models = (
        OfficerAppointment,
        OnCallShift,
        SecurityScan,
        LogSource,
        TrainingSession,
        PrivilegedAccount,
        AccountReview,
    )
    counts = [m.objects.count() for m in models]
    demo.seed(departments, users)
    assert counts == [m.objects.count() for m in models]
    assert all(counts[:-1])
    # The demo roster is one part-time officer short (1 专职 + 2 兼职).
    assert governance.roster_status()["missing"] == 1
    assert governance.on_call().exists()
