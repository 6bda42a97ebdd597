"""The access contract (tests/access.py) applied to the governance records: roster, rota, scans,
patches, log sources, training, account reviews and privileged accounts. None has a need-to-know
marking, so the restricted-record cases are skipped (NoNeedToKnow checks grants instead)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import (
    AccountReview,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    SecurityScan,
    TrainingSession,
)
from tests.access import AccessContract
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
from tests.audits.test_access import NoNeedToKnow


def urls(prefix, edit=True):
    names = {
        "list": f"audits:{prefix}_list",
        "detail": f"audits:{prefix}",
        "history": f"audits:{prefix}_history",
    }
    if edit:
        names["edit"] = f"audits:{prefix}_edit"
    return names


class TestOfficerAppointmentAccess(NoNeedToKnow, AccessContract):
    model = OfficerAppointment
    url_names = urls("officerappointment")

    def make_record(self, department, restricted=False):
        return OfficerAppointmentFactory(department=department)

    def label(self, obj):
        return obj.phone


class TestOnCallShiftAccess(NoNeedToKnow, AccessContract):
    model = OnCallShift
    url_names = urls("oncallshift")

    def make_record(self, department, restricted=False):
        return OnCallShiftFactory(department=department)

    def label(self, obj):
        return obj.phone


class TestSecurityScanAccess(NoNeedToKnow, AccessContract):
    model = SecurityScan
    url_names = urls("securityscan")

    def make_record(self, department, restricted=False):
        return SecurityScanFactory(department=department)

    def label(self, obj):
        return obj.system

    def test_finding_actions_follow_the_rule(self, client, staff, outsider, record):
        data = {"severity": "high", "description": "x", "owner": staff.pk, "fix_due": "2099-01-01"}
        url = reverse("audits:scanfinding_add", args=[record.pk])
        for user, status in ((outsider, 404), (staff, 403)):
            client.force_login(user)
            assert client.post(url, data).status_code == status
        assert not record.findings.exists()


class TestPatchRecordAccess(NoNeedToKnow, AccessContract):
    model = PatchRecord
    url_names = urls("patchrecord")

    def make_record(self, department, restricted=False):
        return PatchRecordFactory(department=department)

    def label(self, obj):
        return obj.patch_id


class TestLogSourceAccess(NoNeedToKnow, AccessContract):
    model = LogSource
    url_names = urls("logsource")
    post_actions = {"verify": "audits:logsource_verify"}

    def make_record(self, department, restricted=False):
        return LogSourceFactory(department=department)

    def label(self, obj):
        return obj.system


class TestTrainingSessionAccess(NoNeedToKnow, AccessContract):
    model = TrainingSession
    url_names = urls("trainingsession")

    def make_record(self, department, restricted=False):
        return TrainingSessionFactory(department=department)

    def label(self, obj):
        return obj.title

    def test_attendance_follows_the_rule(self, client, staff, outsider, record):
        url = reverse("audits:attendance_add", args=[record.pk])
        for user, status in ((outsider, 404), (staff, 403)):
            client.force_login(user)
            assert client.post(url, {"users": [staff.pk], "attended": "1"}).status_code == status
        assert not record.attendance.exists()


class TestAccountReviewAccess(NoNeedToKnow, AccessContract):
    model = AccountReview
    url_names = urls("accountreview", edit=False)
    post_actions = {"close": "audits:accountreview_close"}

    def make_record(self, department, restricted=False):
        return AccountReviewFactory(department=department)

    def post_data(self, name):
        return {"accounts_disabled": "OA系统 zhangsan", "note": "已核对"}

    def label(self, obj):
        return obj.reason


class TestPrivilegedAccountAccess(NoNeedToKnow, AccessContract):
    model = PrivilegedAccount
    url_names = urls("privilegedaccount")
    post_actions = {"password": "audits:passwordchange_add"}

    def make_record(self, department, restricted=False):
        return PrivilegedAccountFactory(department=department)

    def post_data(self, name):
        return {"changed_on": timezone.localdate().isoformat()}

    def label(self, obj):
        return obj.account_name


@pytest.mark.django_db
def test_training_history_of_another_department_is_refused(client, staff, outsider, head):
    client.force_login(outsider)
    assert client.get(reverse("audits:training_history", args=[staff.pk])).status_code == 404
    client.force_login(head)  # same department
    assert client.get(reverse("audits:training_history", args=[staff.pk])).status_code == 200
    client.force_login(staff)  # one's own
    assert client.get(reverse("audits:training_history", args=[staff.pk])).status_code == 200


@pytest.mark.django_db
def test_someone_elses_training_history_lists_only_sessions_the_viewer_may_see(
    client, staff, head, department, other_department
):
    from audits.governance import services as governance

    own = TrainingSessionFactory(department=department, title="本处保密培训")
    elsewhere = TrainingSessionFactory(department=other_department, title="养老处内部培训")
    governance.record_attendance(own, users=[staff])
    governance.record_attendance(elsewhere, users=[staff])
    client.force_login(head)
    html = client.get(reverse("audits:training_history", args=[staff.pk])).content.decode()
    assert "本处保密培训" in html and "养老处内部培训" not in html
    client.force_login(staff)  # one's own history is whole
    html = client.get(reverse("audits:training_history", args=[staff.pk])).content.decode()
    assert "本处保密培训" in html and "养老处内部培训" in html


@pytest.mark.django_db
def test_on_call_today_refused_to_those_who_see_no_rota(client, outsider, officer):
    client.force_login(outsider)
    assert client.get(reverse("audits:oncall_today")).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("audits:oncall_today")).status_code == 200
