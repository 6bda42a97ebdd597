"""Screens and API of the ledger: refusals, the destroyed read-only rule, queries per page,
labels, the approval pages, inventory, repairs and destruction."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from media_control.inventory import services as inventory_services
from media_control.models import Checkout, DestructionRequest, Inventory, Medium, RepairRequest
from media_control.movements import services as movement_services
from media_control.repairs import services as repair_services
from szmz_security.auditlog.models import AuditEvent

from .factories import MediumFactory


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def checkout(medium, staff):
    return movement_services.request_checkout(
        medium,
        requester=staff,
        purpose="核对档案",
        zone=medium.zone,
        expected_return_at=timezone.now() + timedelta(days=2),
    )


# --- the ledger -------------------------------------------------------------------------------------


def test_register_a_medium_generates_its_number(client, head, department, keeper):
    client.force_login(head)
    response = client.post(
        reverse("media_control:medium_add"),
        {
            "type": "hard_disk",
            "secrecy_level": "internal",
            "zone": "gov_intranet",
            "department": department.pk,
            "custodian": keeper.pk,
            "registered_on": timezone.localdate().isoformat(),
            "brand": "希捷",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    medium = Medium.objects.get()
    assert medium.number == f"SZMZ-HD-{timezone.localdate().year}-0001"


def test_form_shows_rule_errors_next_to_the_field(client, officer, department, keeper):
    client.force_login(officer)
    response = client.post(
        reverse("media_control:medium_add"),
        {
            "type": "usb",
            "secrecy_level": "secret",
            "protection_years": 15,
            "zone": "gov_intranet",
            "department": department.pk,
            "registered_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "必须指定保管人" in html and "保密期限最长10年" in html and "只能在涉密网或单机" in html
    assert not Medium.objects.exists()


def test_detail_shows_the_marking_and_audits_classified_views(client, confidential_medium, keeper):
    client.force_login(keeper)
    response = client.get(confidential_medium.get_absolute_url())
    assert response.status_code == 200
    assert "机密★20年" in response.content.decode()
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.VIEW, object_id=str(confidential_medium.pk)
    ).exists()


def test_list_filters_by_level_and_overdue(client, officer, department, keeper, staff, head):
    plain = MediumFactory(department=department)
    classified = MediumFactory(department=department, classified=True)
    client.force_login(officer)
    html = client.get(
        reverse("media_control:medium_list"), {"secrecy_level": "confidential"}
    ).content.decode()
    assert classified.number in html and plain.number not in html
    checkout = movement_services.request_checkout(
        plain,
        requester=staff,
        purpose="x",
        zone=plain.zone,
        expected_return_at=timezone.now() + timedelta(hours=1),
    )
    movement_services.approve_checkout(checkout, by=head)
    checkout = movement_services.hand_out(checkout, by=officer)
    html = client.get(reverse("media_control:medium_list"), {"overdue": "true"}).content.decode()
    assert plain.number not in html
    checkout.obligation.due_at = timezone.now() - timedelta(minutes=1)
    checkout.obligation.save()
    html = client.get(reverse("media_control:medium_list"), {"overdue": "true"}).content.decode()
    assert plain.number in html and classified.number not in html


def test_list_queries_do_not_grow_with_rows(client, staff, department, keeper, head):
    def count():
        client.force_login(staff)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("media_control:medium_list")).status_code == 200
        return len(queries)

    MediumFactory.create_batch(3, department=department, custodian=keeper)
    count()  # warm the per-process caches (content types, permissions) first
    few = count()
    MediumFactory.create_batch(27, department=department, custodian=keeper)
    for medium in Medium.objects.all()[:5]:
        c = movement_services.request_checkout(
            medium,
            requester=staff,
            purpose="x",
            zone=medium.zone,
            expected_return_at=timezone.now() + timedelta(days=1),
        )
        movement_services.approve_checkout(c, by=head)
        movement_services.hand_out(c, by=keeper)
    assert count() == few


def test_csv_export_is_audited(client, staff, medium):
    client.force_login(staff)
    response = client.get(reverse("media_control:medium_list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert medium.number in text and "内部" in text
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_my_media(client, keeper, staff, medium, department):
    other = MediumFactory(department=department)
    client.force_login(keeper)
    html = client.get(reverse("media_control:my_media")).content.decode()
    assert medium.number in html and other.number not in html
    movement_services.request_checkout(
        other,
        requester=staff,
        purpose="x",
        zone=other.zone,
        expected_return_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(staff)
    html = client.get(reverse("media_control:my_media")).content.decode()
    assert other.number in html and medium.number not in html


def test_label_sheet_holds_only_visible_media_and_is_audited(client, staff, medium, confidential_medium):
    client.force_login(staff)
    response = client.get(reverse("media_control:label_sheet"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.detail["numbers"] == [medium.number]


def test_destroyed_medium_is_read_only_in_screens_and_api(client, officer, medium):
    Medium.objects.filter(pk=medium.pk).update(status="destroyed")
    client.force_login(officer)
    assert client.get(reverse("media_control:medium_edit", args=[medium.pk])).status_code == 403
    assert client.post(reverse("media_control:medium_edit", args=[medium.pk]), {}).status_code == 403
    assert client.get(reverse("media_control:medium_delete", args=[medium.pk])).status_code == 403
    assert client.get(reverse("media_control:checkout_add", args=[medium.pk])).status_code == 403
    assert client.get(reverse("media_control:medium_report_lost", args=[medium.pk])).status_code == 403
    url = reverse("api:medium-detail", args=[medium.pk])
    response = client.patch(url, {"brand": "x"}, content_type="application/json")
    assert response.status_code == 400 and "已销毁" in response.json()["status"][0]
    assert client.delete(url).status_code == 409
    assert Medium.objects.get(pk=medium.pk).brand == "金士顿"


# --- check-out pages ----------------------------------------------------------------------------------


def test_checkout_request_page(client, staff, medium):
    client.force_login(staff)
    url = reverse("media_control:checkout_add", args=[medium.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"purpose": "x", "zone": "internet", "expected_return_at": local(timezone.now() + timedelta(days=1))},
    )
    assert response.status_code == 400
    assert "严禁移动介质交叉使用" in response.content.decode()
    response = client.post(
        url,
        {
            "purpose": "下乡核对",
            "zone": medium.zone,
            "expected_return_at": local(timezone.now() + timedelta(days=1)),
        },
    )
    assert response.status_code == 302
    assert Checkout.objects.get().requester == staff


def test_pending_list_and_approval(client, head, staff, checkout, medium):
    client.force_login(staff)
    assert medium.number not in client.get(reverse("media_control:checkout_pending")).content.decode()
    response = client.post(reverse("media_control:checkout_approve", args=[medium.pk, checkout.pk]), {})
    assert response.status_code == 403
    client.force_login(head)
    assert medium.number in client.get(reverse("media_control:checkout_pending")).content.decode()
    response = client.post(
        reverse("media_control:checkout_approve", args=[medium.pk, checkout.pk]), {"comment": "同意"}
    )
    assert response.status_code == 302
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.APPROVED


def test_reject_without_reason_is_400(client, head, checkout, medium):
    client.force_login(head)
    response = client.post(
        reverse("media_control:checkout_reject", args=[medium.pk, checkout.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.PENDING_HEAD


def test_other_department_is_refused_everywhere(
    client, outsider, checkout, medium, department, vendor, head, officer
):
    inventory, _ = inventory_services.ensure_inventory(department, timezone.localdate().year)
    line = inventory.lines.get()
    repair = repair_services.request_repair(by=head, medium=medium, reason="坏", vendor=vendor)
    destruction = repair_services.request_destruction(
        by=head, medium=MediumFactory(department=department), reason="报废"
    )
    client.force_login(outsider)
    gets = [
        reverse("media_control:checkout_add", args=[medium.pk]),
        reverse("media_control:medium_report_lost", args=[medium.pk]),
        inventory.get_absolute_url(),
        reverse("media_control:inventory_history", args=[inventory.pk]),
        reverse("media_control:inventory_pdf", args=[inventory.pk]),
        repair.get_absolute_url(),
        reverse("media_control:repairrequest_history", args=[repair.pk]),
        destruction.get_absolute_url(),
        reverse("media_control:destructionrequest_certificate", args=[destruction.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("media_control:checkout_approve", args=[medium.pk, checkout.pk]),
        reverse("media_control:checkout_reject", args=[medium.pk, checkout.pk]),
        reverse("media_control:checkout_hand_out", args=[medium.pk, checkout.pk]),
        reverse("media_control:checkout_return", args=[medium.pk, checkout.pk]),
        reverse("media_control:inventory_line", args=[inventory.pk, line.pk]),
        reverse("media_control:inventory_sign", args=[inventory.pk]),
        reverse("media_control:repairrequest_approve", args=[repair.pk]),
        reverse("media_control:repairrequest_send", args=[repair.pk]),
        reverse("media_control:destructionrequest_approve", args=[destruction.pk]),
        reverse("media_control:destructionrequest_complete", args=[destruction.pk]),
    ]
    for url in posts:
        assert client.post(url, {"reason": "x", "result": "present", "comment": "x"}).status_code == 404, url
    assert outsider.username not in [c.requester.username for c in Checkout.objects.all()]
    for name in (
        "media_control:checkout_pending",
        "media_control:inventory_list",
        "media_control:repairrequest_list",
        "media_control:destructionrequest_list",
        "media_control:my_media",
    ):
        html = client.get(reverse(name)).content.decode()
        assert medium.number not in html, name
    api = client.get(reverse("api:medium-checkouts", args=[medium.pk]))
    assert api.status_code == 404


def test_report_lost_page_files_the_incident(client, keeper, confidential_medium):
    client.force_login(keeper)
    url = reverse("media_control:medium_report_lost", args=[confidential_medium.pk])
    assert client.post(url, {"description": ""}).status_code == 400
    response = client.post(url, {"description": "会议室遗失"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    assert incident.secret_leak


# --- inventory, repairs, destruction pages -----------------------------------------------------------


def test_inventory_pages(client, head, keeper, department, medium, confidential_medium):
    inventory, _ = inventory_services.ensure_inventory(department, timezone.localdate().year)
    client.force_login(head)
    html = client.get(inventory.get_absolute_url()).content.decode()
    assert medium.number in html and confidential_medium.number not in html
    assert "1 件涉密介质限知悉范围" in html
    line = inventory.lines.get(medium=medium)
    assert (
        client.post(
            reverse("media_control:inventory_line", args=[inventory.pk, line.pk]), {"result": "present"}
        ).status_code
        == 302
    )
    response = client.post(reverse("media_control:inventory_sign", args=[inventory.pk]), {})
    assert response.status_code == 400 and "1 件介质未清点" in response.content.decode()
    client.force_login(keeper)
    classified_line = inventory.lines.get(medium=confidential_medium)
    client.post(
        reverse("media_control:inventory_line", args=[inventory.pk, classified_line.pk]),
        {"result": "present"},
    )
    client.force_login(head)
    assert (
        client.post(
            reverse("media_control:inventory_sign", args=[inventory.pk]), {"note": "已清点"}
        ).status_code
        == 302
    )
    assert Inventory.objects.get().is_signed
    pdf = client.get(reverse("media_control:inventory_pdf", args=[inventory.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_repair_pages(client, keeper, officer, confidential_medium, plain_vendor, vendor):
    client.force_login(keeper)
    url = reverse("media_control:repairrequest_add")
    response = client.post(
        url, {"item_number": confidential_medium.number, "reason": "坏", "vendor": plain_vendor.pk}
    )
    assert response.status_code == 400 and "不是定点单位" in response.content.decode()
    response = client.post(url, {"item_number": "NO-SUCH", "reason": "坏", "vendor": vendor.pk})
    assert response.status_code == 400 and "未找到编号" in response.content.decode()
    response = client.post(
        url, {"item_number": confidential_medium.number, "reason": "坏", "vendor": vendor.pk}
    )
    repair = RepairRequest.objects.get()
    assert response.status_code == 302
    assert (
        client.post(reverse("media_control:repairrequest_approve", args=[repair.pk]), {}).status_code == 403
    )
    client.force_login(officer)
    assert (
        client.post(reverse("media_control:repairrequest_approve", args=[repair.pk]), {}).status_code == 302
    )
    response = client.post(
        reverse("media_control:repairrequest_send", args=[repair.pk]), {"data_handling": ""}
    )
    assert response.status_code == 400 and "清除数据或留存存储部件" in response.content.decode()
    assert (
        client.post(
            reverse("media_control:repairrequest_send", args=[repair.pk]), {"data_handling": "wiped"}
        ).status_code
        == 302
    )
    assert Medium.objects.get(pk=confidential_medium.pk).status == Medium.Status.REPAIR


def test_destruction_pages_and_read_only_afterwards(client, keeper, secrecy, confidential_medium, vendor):
    destruction = repair_services.request_destruction(by=keeper, medium=confidential_medium, reason="报废")
    client.force_login(secrecy)
    assert (
        client.post(
            reverse("media_control:destructionrequest_approve", args=[destruction.pk]), {}
        ).status_code
        == 302
    )
    url = reverse("media_control:destructionrequest_complete", args=[destruction.pk])
    data = {
        "vendor": vendor.pk,
        "witness": "李监销",
        "destroyed_at": local(timezone.now() - timedelta(minutes=5)),
    }
    bad = client.post(url, {**data, "certificate": SimpleUploadedFile("c.exe", b"x")})
    assert bad.status_code == 400 and "不支持的文件类型" in bad.content.decode()
    ok = client.post(url, {**data, "certificate": SimpleUploadedFile("c.pdf", b"%PDF-1.4")})
    assert ok.status_code == 302
    assert DestructionRequest.objects.get().state == DestructionRequest.State.COMPLETED
    assert client.get(reverse("media_control:medium_edit", args=[confidential_medium.pk])).status_code == 403
    certificate = client.get(reverse("media_control:destructionrequest_certificate", args=[destruction.pk]))
    assert certificate.status_code == 200


def test_vendor_register(client, officer, staff):
    client.force_login(staff)
    assert client.get(reverse("media_control:vendor_add")).status_code == 403
    client.force_login(officer)
    response = client.post(reverse("media_control:vendor_add"), {"name": "定点单位甲", "designated": "on"})
    assert response.status_code == 200 and "须填写定点资质编号" in response.content.decode()
    response = client.post(
        reverse("media_control:vendor_add"),
        {
            "name": "定点单位甲",
            "designated": "on",
            "designation_number": "BM-1",
            "designation_expires_on": "2099-12-31",
        },
    )
    assert response.status_code == 302
    client.force_login(staff)
    assert "定点单位甲" in client.get(reverse("media_control:vendor_list")).content.decode()


# --- API ----------------------------------------------------------------------------------------------


def test_api_generates_the_number_and_names_bad_fields(client, head, department, keeper):
    client.force_login(head)
    url = reverse("api:medium-list")
    response = client.post(
        url,
        {"type": "usb", "secrecy_level": "internal", "zone": "gov_intranet", "department": department.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("SZMZ-U-")
    response = client.post(
        url,
        {
            "type": "usb",
            "secrecy_level": "top_secret",
            "protection_years": 40,
            "zone": "classified",
            "department": department.pk,
            "custodian": keeper.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "protection_years" in response.json()
    response = client.post(
        url,
        {"type": "floppy", "zone": "gov_intranet", "department": department.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "type" in response.json()


def test_api_status_cannot_be_set_directly(client, head, medium):
    client.force_login(head)
    response = client.patch(
        reverse("api:medium-detail", args=[medium.pk]),
        {"status": "destroyed"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "status" in response.json()


def test_api_checkouts(client, staff, medium):
    client.force_login(staff)
    url = reverse("api:medium-checkouts", args=[medium.pk])
    response = client.post(
        url,
        {
            "purpose": "x",
            "zone": "internet",
            "expected_return_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "zone" in response.json()
    response = client.post(
        url,
        {
            "purpose": "核对",
            "zone": medium.zone,
            "expected_return_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["state"] == "pending_head"
    listing = client.get(url).json()
    assert listing["count"] == 1
    assert [row["id"] for row in listing["results"]] == [Checkout.objects.get().pk]
