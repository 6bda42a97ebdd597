"""三员分立 and need-to-know, through the pages and the API (#13, #21)."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Attachment
from szmz_security.auditlog.models import AuditEvent
from szmz_security.org.access import REDACTED, can_read_content, grant
from szmz_security.org.roles import ROLES
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="sysadmin", roles=["system_administrator"], is_staff=True)


@pytest.fixture
def secadmin(db):
    return UserFactory(username="secadmin", roles=["security_administrator"], is_staff=True)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", roles=["audit_administrator"], is_staff=True)


@pytest.fixture
def leak(department, staff):
    incident = IncidentFactory(
        department=department,
        reported_by=staff,
        secret_leak=True,
        title="涉密文件外发",
        description="张三将文件发至个人邮箱",
    )
    grant("view", staff, incident)  # as filing does: the reporter keeps sight of the report
    Attachment.objects.create(
        incident=incident,
        file=SimpleUploadedFile("evidence.txt", b"mail log"),
        original_name="evidence.txt",
        size=8,
        uploaded_by=staff,
    )
    return incident


def attachment_url(incident):
    return reverse("incidents:attachment", args=[incident.pk, incident.attachments.get().pk])


# --- need-to-know: who reads a restricted record's content --------------------------------------


def test_only_reporter_secrecy_office_officers_and_grantees_read_restricted_content(leak, staff, department):
    readers = {"security_officer", "secrecy_office"}
    for role in ROLES:
        # Each role alone, and as a member of the record's own department.
        holder = UserFactory(username=f"r.{role.code}", roles=[role.code], departments=[department])
        assert can_read_content(holder, leak) == (role.code in readers), role.code
    assert can_read_content(staff, leak)  # the reporter
    grantee = UserFactory(username="named", roles=["leadership"])
    assert not can_read_content(grantee, leak)
    grant("view", grantee, leak)
    assert can_read_content(grantee, leak)


def test_leadership_sees_a_leak_exists_but_not_its_content(client, leader, leak):
    client.force_login(leader)
    page = client.get(leak.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="redacted"' in html
    assert "涉密文件外发" not in html and "张三" not in html and "evidence.txt" not in html
    assert leak.get_category_display() in html
    for url in (
        attachment_url(leak),
        reverse("incidents:report_pdf", args=[leak.pk]),
        reverse("incidents:incident_history", args=[leak.pk]),
    ):
        assert client.get(url).status_code == 403, url
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW, user=leader).get()
    assert event.object_id == str(leak.pk) and event.detail["content"] is False


def test_inspector_list_export_and_api_are_redacted(client, inspector, leak):
    client.force_login(inspector)
    listing = client.get(reverse("incidents:incident_list")).content.decode()
    assert REDACTED in listing and "涉密文件外发" not in listing
    export = b"".join(client.get(reverse("incidents:incident_list") + "?export=csv").streaming_content)
    rows = list(csv.reader(io.StringIO(export.decode("utf-8-sig"))))
    assert REDACTED in rows[1] and "涉密文件外发" not in export.decode("utf-8-sig")
    body = client.get(reverse("api:incident-detail", args=[leak.pk])).json()
    assert body["title"] == REDACTED and body["description"] == REDACTED and body["reported_by"] is None
    assert body["discovered_at"] and body["state"] == leak.state
    assert all(o["title"] == REDACTED for o in body["obligations"])


def test_secrecy_office_reads_the_leak_in_full(client, secrecy, leak):
    client.force_login(secrecy)
    assert "张三将文件发至个人邮箱" in client.get(leak.get_absolute_url()).content.decode()
    assert client.get(attachment_url(leak)).status_code == 200
    assert client.get(reverse("api:incident-detail", args=[leak.pk])).json()["title"] == "涉密文件外发"


# --- the three administrators -------------------------------------------------------------------


def test_system_administrator_is_refused_the_leak_its_files_and_the_audit_log(client, sysadmin, leak):
    client.force_login(sysadmin)
    assert client.get(leak.get_absolute_url()).status_code == 404
    assert client.get(attachment_url(leak)).status_code == 404
    assert client.get(reverse("api:incident-detail", args=[leak.pk])).status_code == 404
    assert client.get(reverse("auditlog:auditevent_list")).status_code == 403
    # Its own duty: accounts in the Django admin, but not roles or tokens.
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:incidents_incident_changelist")).status_code == 403
    form = client.get(reverse("admin:auth_user_change", args=[sysadmin.pk])).content.decode()
    assert 'name="is_superuser"' not in form and 'name="groups"' not in form
    created = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "Szmz-Clerk-2026-long",
            "password2": "Szmz-Clerk-2026-long",
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
        },
    )
    assert created.status_code == 302
    assert not User.objects.get(username="newclerk").groups.exists()


def test_audit_administrator_reads_the_audit_log_and_no_incident(client, auditor, leak):
    client.force_login(auditor)
    assert client.get(reverse("auditlog:auditevent_list")).status_code == 200
    assert client.get(reverse("api:auditevent-list")).status_code == 200
    assert client.get(leak.get_absolute_url()).status_code == 404
    assert client.get(reverse("api:incident-list")).json()["count"] == 0
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_security_administrator_grants_a_record_it_cannot_read(client, secadmin, leader, leak):
    client.force_login(secadmin)
    sharing_url = reverse("org:sharing", args=["incidents.incident", leak.pk])
    page = client.get(sharing_url).content.decode()
    assert "涉密文件外发" not in page  # the number, not the title

    response = client.post(sharing_url, {"username": "leader"})

    assert response.status_code == 302
    assert can_read_content(leader, leak)
    assert client.get(leak.get_absolute_url()).status_code == 404
    assert client.get(attachment_url(leak)).status_code == 404
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION, user=secadmin)
    assert event.detail["action"] == "grant" and event.detail["grantee_name"] == "leader"
    assert leak.history.latest().history_change_reason.startswith("授权：")

    # Revoked again: the leader is back to the redacted page.
    client.post(sharing_url, {"revoke": f"user:{leader.pk}"})
    assert not can_read_content(leader, leak)


def test_security_administrator_cannot_grant_itself_nor_change_its_own_roles(client, secadmin, staff, leak):
    client.force_login(secadmin)
    sharing_url = reverse("org:sharing", args=["incidents.incident", leak.pk])
    response = client.post(sharing_url, {"username": "secadmin"})
    assert response.status_code == 400
    assert "不能为自己授权" in response.content.decode()
    assert not can_read_content(secadmin, leak)

    own = reverse("org:role_edit", args=[secadmin.pk])
    assert client.post(own, {"roles": ["security_administrator", "security_officer"]}).status_code == 403
    assert not secadmin.groups.filter(name="安全员").exists()


def test_security_administrator_assigns_roles_audited_and_in_history(client, secadmin, staff):
    client.force_login(secadmin)
    assert "staff" in client.get(reverse("org:role_list")).content.decode()

    response = client.post(
        reverse("org:role_edit", args=[staff.pk]), {"roles": ["staff", "audit_administrator"]}
    )

    assert response.status_code == 302
    staff.refresh_from_db()
    assert set(staff.groups.values_list("name", flat=True)) >= {"工作人员", "审计管理员"}
    assert staff.is_staff  # the admin site opens to administrator roles
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION, user=secadmin)
    assert event.detail["added"] == ["audit_administrator"] and event.object_id == str(staff.pk)
    assert staff.profile.history.latest().history_change_reason == "角色变更：增加 审计管理员"


def test_other_roles_cannot_assign_roles(client, officer, staff):
    client.force_login(officer)
    assert client.get(reverse("org:role_list")).status_code == 403
    assert (
        client.post(reverse("org:role_edit", args=[staff.pk]), {"roles": ["security_officer"]}).status_code
        == 403
    )


def test_department_head_shares_ordinary_records_not_leaks(client, head, outsider, department, leak):
    ordinary = IncidentFactory(department=department, title="普通事件")
    client.force_login(head)
    url = reverse("org:sharing", args=["incidents.incident", ordinary.pk])
    assert client.post(url, {"username": "outsider"}).status_code == 302
    assert can_read_content(outsider, ordinary)
    # The leak is invisible to the head (404), its sharing screen too.
    assert client.get(reverse("org:sharing", args=["incidents.incident", leak.pk])).status_code == 404


def test_superuser_warning_on_the_administrators_dashboards(client, sysadmin, secadmin, auditor, staff):
    root = UserFactory(username="root")
    root.is_superuser = True
    root.save()
    for user in (sysadmin, secadmin, auditor):
        client.force_login(user)
        assert "在用的超级用户" in client.get(reverse("dashboard")).content.decode(), user
    client.force_login(staff)
    assert "在用的超级用户" not in client.get(reverse("dashboard")).content.decode()

    root.is_active = False
    root.save()
    client.force_login(secadmin)
    assert 'data-testid="card-warning"' not in client.get(reverse("dashboard")).content.decode()


def test_is_staff_alone_does_not_open_the_admin(client):
    clerk = UserFactory(username="clerk", roles=["security_officer"], is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login


def test_nobody_edits_their_own_roles_in_the_admin(client, sysadmin):
    Group.objects.get(name="系统管理员")
    client.force_login(sysadmin)
    form = client.get(reverse("admin:auth_user_change", args=[sysadmin.pk])).content.decode()
    assert 'name="departments"' in form and "disabled" in form.split('name="departments"')[1][:300]


# --- the same rule on classified media and on the deadlines a restricted record owes -------------


def test_leadership_sees_a_classified_medium_without_its_content(client, leader, department):
    from media_control.models import Medium
    from tests.media_control.factories import MediumFactory

    medium = MediumFactory(
        classified=True, department=department, brand="保密品牌", note="存放某项目涉密资料"
    )
    assert medium.is_restricted()
    client.force_login(leader)
    page = client.get(medium.get_absolute_url()).content.decode()
    assert 'data-testid="redacted"' in page and medium.number in page
    assert "保密品牌" not in page and "某项目" not in page
    listing = client.get(reverse("media_control:medium_list")).content.decode()
    assert medium.number in listing and "保密品牌" not in listing
    body = client.get(reverse("api:medium-detail", args=[medium.pk])).json()
    assert body["note"] == REDACTED and body["custodian"] is None and body["number"] == medium.number
    assert Medium.objects.content_visible_to(leader).count() == 0


def test_a_restricted_records_deadline_shows_without_its_title(client, leader, officer, department):
    from tests.factories import ObligationFactory

    obligation = ObligationFactory(
        department=department,
        restricted=True,
        title="向保密局报告：涉密文件外发",
        due_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(leader)
    for url in (reverse("dashboard"), reverse("obligations:obligation_list"), obligation.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "涉密文件外发" not in page, url
    assert "（知悉范围受限）" in client.get(reverse("dashboard")).content.decode()
    body = client.get(reverse("api:obligation-detail", args=[obligation.pk])).json()
    assert body["title"] == REDACTED and body["due_at"] and body["overdue"] is True
    client.force_login(officer)
    assert "涉密文件外发" in client.get(reverse("dashboard")).content.decode()


def test_a_search_does_not_reveal_restricted_content(client, leader, secrecy, leak):
    url = reverse("incidents:incident_list") + "?q=张三"
    client.force_login(leader)
    assert f'href="{leak.get_absolute_url()}"' not in client.get(url).content.decode()
    client.force_login(secrecy)
    assert f'href="{leak.get_absolute_url()}"' in client.get(url).content.decode()


def test_an_api_read_of_a_restricted_record_is_audited(client, inspector, leak):
    client.force_login(inspector)
    client.get(reverse("api:incident-detail", args=[leak.pk]))
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW, user=inspector)
    assert event.object_id == str(leak.pk) and event.detail == {"content": False, "api": True}


def test_sharing_and_role_pages_take_a_constant_number_of_queries(client, secadmin, leak, department):
    client.force_login(secadmin)
    sharing_url = reverse("org:sharing", args=["incidents.incident", leak.pk])

    def counted(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    counted(sharing_url)  # warm the content-type and permission caches
    few = (counted(sharing_url), counted(reverse("org:role_list")))
    for n in range(8):
        grantee = UserFactory(username=f"g{n}", roles=["staff", "leadership"], departments=[department])
        grant("view", grantee, leak)
    assert (counted(sharing_url), counted(reverse("org:role_list"))) == few
