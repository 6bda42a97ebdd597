"""External repair and destruction (6 §7): designated vendors, data handling, approvals, and a
destroyed medium read-only."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from media_control.ledger import services as ledger_services
from media_control.models import DestructionRequest, Medium, RepairRequest
from media_control.movements import services as movement_services
from media_control.repairs import services as repair_services

from .factories import VendorFactory

PDF = b"%PDF-1.4 certificate"


def certificate(name="cert.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_classified_equipment_only_to_a_designated_vendor(confidential_medium, keeper, plain_vendor):
    with pytest.raises(ValidationError) as refused:
        repair_services.request_repair(
            by=keeper, medium=confidential_medium, reason="无法识别", vendor=plain_vendor
        )
    assert "不是定点单位" in refused.value.message_dict["vendor"][0]


def test_expired_designation_is_refused(confidential_medium, keeper):
    expired = VendorFactory(designation_expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="过期"):
        repair_services.request_repair(by=keeper, medium=confidential_medium, reason="坏了", vendor=expired)


def test_unclassified_medium_may_go_to_any_vendor(medium, head, plain_vendor, officer):
    repair = repair_services.request_repair(by=head, medium=medium, reason="接口松动", vendor=plain_vendor)
    assert not repair.classified and not repair.restricted
    repair_services.approve_repair(repair, by=officer)
    repair_services.send_repair(repair, by=officer)
    assert Medium.objects.get(pk=medium.pk).status == Medium.Status.REPAIR


def test_repair_flow_with_data_handling(confidential_medium, keeper, officer, vendor):
    repair = repair_services.request_repair(
        by=keeper, medium=confidential_medium, reason="无法读取", vendor=vendor
    )
    assert repair.restricted
    with pytest.raises(PermissionDenied, match="自己"):
        repair_services.approve_repair(repair, by=keeper)
    with pytest.raises(ValidationError, match="批准后"):
        repair_services.send_repair(repair, by=officer)
    repair_services.approve_repair(repair, by=officer, comment="同意送定点单位")
    with pytest.raises(ValidationError) as refused:
        repair_services.send_repair(repair, by=keeper)
    assert "data_handling" in refused.value.message_dict
    repair_services.send_repair(repair, by=keeper, data_handling="storage_kept")
    confidential_medium.refresh_from_db()
    assert confidential_medium.status == Medium.Status.REPAIR
    repair_services.return_repair(repair, by=keeper, note="已修复")
    repair.refresh_from_db()
    assert repair.state == RepairRequest.State.RETURNED
    assert Medium.objects.get(pk=confidential_medium.pk).status == Medium.Status.IN_STOCK


def test_designation_that_expires_before_hand_over_is_refused(confidential_medium, keeper, officer, vendor):
    repair = repair_services.request_repair(by=keeper, medium=confidential_medium, reason="坏", vendor=vendor)
    repair_services.approve_repair(repair, by=officer)
    vendor.designation_expires_on = timezone.localdate() - timedelta(days=1)
    vendor.save()
    with pytest.raises(ValidationError, match="过期"):
        repair_services.send_repair(repair, by=keeper, data_handling="wiped")


def test_staff_cannot_approve_repairs(medium, head, staff, plain_vendor):
    repair = repair_services.request_repair(by=head, medium=medium, reason="坏", vendor=plain_vendor)
    with pytest.raises(PermissionDenied):
        repair_services.approve_repair(repair, by=staff)


def destroyed(medium, by, approver, vendor):
    destruction = repair_services.request_destruction(by=by, medium=medium, reason="到期报废")
    repair_services.approve_destruction(destruction, by=approver)
    return repair_services.complete_destruction(
        destruction,
        by=approver,
        vendor=vendor,
        witness="李监销",
        destroyed_at=timezone.now() - timedelta(minutes=5),
        certificate=certificate(),
    )


def test_destruction_flow(confidential_medium, keeper, secrecy, vendor):
    destruction = destroyed(confidential_medium, keeper, secrecy, vendor)
    assert destruction.state == DestructionRequest.State.COMPLETED
    assert destruction.certificate_name == "cert.pdf"
    confidential_medium.refresh_from_db()
    assert confidential_medium.status == Medium.Status.DESTROYED
    # Read-only everywhere from now on.
    confidential_medium.note = "补记"
    with pytest.raises(ValidationError, match="已销毁"):
        ledger_services.save_medium(confidential_medium, by=secrecy)
    with pytest.raises(ValidationError, match="已销毁"):
        movement_services.request_checkout(
            confidential_medium,
            requester=keeper,
            purpose="x",
            zone="classified",
            expected_return_at=timezone.now() + timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="已销毁"):
        movement_services.report_lost(confidential_medium, by=keeper, description="x")
    with pytest.raises(ValidationError, match="已销毁"):
        repair_services.request_repair(by=keeper, medium=confidential_medium, reason="x", vendor=vendor)


def test_destruction_requester_cannot_approve(medium, head, officer):
    destruction = repair_services.request_destruction(by=officer, medium=medium, reason="报废")
    with pytest.raises(PermissionDenied, match="自己"):
        repair_services.approve_destruction(destruction, by=officer)
    with pytest.raises(PermissionDenied):
        repair_services.approve_destruction(destruction, by=head)


def test_classified_destruction_needs_a_designated_vendor_witness_and_certificate(
    confidential_medium, keeper, secrecy, plain_vendor, vendor, settings
):
    destruction = repair_services.request_destruction(by=keeper, medium=confidential_medium, reason="报废")
    repair_services.approve_destruction(destruction, by=secrecy)
    kwargs = {
        "by": secrecy,
        "vendor": vendor,
        "witness": "李监销",
        "destroyed_at": timezone.now(),
        "certificate": certificate(),
    }
    with pytest.raises(ValidationError, match="不是定点单位"):
        repair_services.complete_destruction(destruction, **{**kwargs, "vendor": plain_vendor})
    with pytest.raises(ValidationError) as refused:
        repair_services.complete_destruction(destruction, **{**kwargs, "witness": ""})
    assert "witness" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        repair_services.complete_destruction(
            destruction, **{**kwargs, "certificate": certificate("cert.exe")}
        )
    assert "certificate" in refused.value.message_dict
    settings.MEDIA_CERTIFICATE_MAX_MB = 0
    with pytest.raises(ValidationError, match="文件过大"):
        repair_services.complete_destruction(destruction, **kwargs)
    assert Medium.objects.get(pk=confidential_medium.pk).status == Medium.Status.IN_STOCK
