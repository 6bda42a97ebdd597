"""外包服务 (issue #15): a contract takes effect only with its security agreement signed; ending
it revokes every vendor person's access in the same transaction (what an inspector checks); the
yearly review obligation of each active contract is created once and met by the review record;
ID numbers are masked on the list; another department sees none of it (pages, API)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audits.models import OutsourcingReview, ServiceContract, VendorStaffAccess
from audits.outsourcing import services
from audits.tasks import ensure_outsourcing_reviews
from szmz_security.obligations.models import Obligation
from szmz_security.org.models import Department
from tests.audits.factories import ServiceContractFactory, VendorStaffAccessFactory
from tests.media_control.factories import VendorFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def obligations_of(contract, kind):
    return Obligation.objects.filter(subject_id=contract.pk, kind=kind, subject_type__model="servicecontract")


# --- activation needs the security agreement ------------------------------------------------------


def test_a_contract_without_security_agreement_cannot_be_activated_on_screen(client, officer, department):
    contract = ServiceContractFactory(department=department, agreement_signed_on=None)
    client.force_login(officer)
    response = client.post(reverse("audits:servicecontract_activate", args=[contract.pk]))
    assert response.status_code == 400
    assert "未签订保密/安全协议的外包合同不能生效。" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ServiceContract.Status.DRAFT
    assert not obligations_of(contract, services.REVOKE_KIND).exists()


def test_activating_opens_the_access_revoke_obligation_due_at_the_end_date(client, officer, department):
    contract = ServiceContractFactory(department=department)
    client.force_login(officer)
    response = client.post(reverse("audits:servicecontract_activate", args=[contract.pk]))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ServiceContract.Status.ACTIVE
    (obligation,) = obligations_of(contract, services.REVOKE_KIND)
    assert timezone.localtime(obligation.due_at).date() == contract.ends_on
    assert contract.history.first().history_change_reason == "合同生效"


def test_api_activate_refuses_naming_the_agreement_field(client, officer, department):
    contract = ServiceContractFactory(department=department, agreement_signed_on=None)
    client.force_login(officer)
    response = client.post(f"/api/service-contracts/{contract.pk}/activate/")
    assert response.status_code == 400
    assert "agreement_signed_on" in response.json()
    response = client.post(f"/api/service-contracts/{contract.pk}/end/", {"status": "terminated"})
    assert response.status_code == 400


# --- ending a contract revokes every vendor person's access ---------------------------------------


def test_terminating_revokes_every_staff_access_and_meets_the_obligation(client, officer, department):
    contract = ServiceContractFactory(department=department)
    services.activate(contract, by=officer)
    still_in = VendorStaffAccessFactory.create_batch(2, department=department, contract=contract)
    left = VendorStaffAccessFactory(
        department=department,
        contract=contract,
        access_revoked_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    client.force_login(officer)
    response = client.post(
        reverse("audits:servicecontract_end", args=[contract.pk]), {"status": "terminated"}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ServiceContract.Status.TERMINATED
    assert not contract.staff.filter(access_revoked_on__isnull=True).exists()
    for access in still_in:
        access.refresh_from_db()
        assert access.access_revoked_on == timezone.localdate()
        assert access.history.first().history_change_reason == "合同终止，撤销访问权限"
    left.refresh_from_db()
    assert left.access_revoked_on == timezone.localdate() - datetime.timedelta(days=3)
    (obligation,) = obligations_of(contract, services.REVOKE_KIND)
    assert obligation.state == Obligation.State.MET
    assert "2名外包人员" in obligation.evidence


def test_an_ended_contract_cannot_take_staff_with_access(client, officer, department):
    contract = ServiceContractFactory(department=department)
    services.activate(contract, by=officer)
    services.end_contract(contract, by=officer, status=ServiceContract.Status.EXPIRED)
    client.force_login(officer)
    today = timezone.localdate()
    response = client.post(
        reverse("audits:vendorstaffaccess_add"),
        {
            "contract": contract.pk,
            "name": "王五",
            "identifier": "440301199001011234",
            "role": "运维",
            "access_scope": "机房",
            "access_granted_on": today.isoformat(),
            "commitment_signed_on": today.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "合同已结束，外包人员不能保留访问权限。" in response.content.decode()
    assert not VendorStaffAccess.objects.filter(name="王五").exists()


def test_revoke_date_before_grant_is_refused_next_to_the_field(client, officer, department):
    contract = ServiceContractFactory(department=department)
    client.force_login(officer)
    response = client.post(
        reverse("audits:vendorstaffaccess_add"),
        {
            "contract": contract.pk,
            "name": "赵六",
            "identifier": "A1234567",
            "role": "开发",
            "access_scope": "测试环境",
            "access_granted_on": "2026-03-01",
            "access_revoked_on": "2026-02-01",
            "commitment_signed_on": "2026-03-01",
        },
    )
    assert response.status_code == 200  # the form re-rendered with its error
    assert "撤销日期不能早于授权日期。" in response.content.decode()
    assert not VendorStaffAccess.objects.filter(name="赵六").exists()


def test_staff_take_the_contracts_department_and_their_id_is_masked_on_the_list(client, officer, department):
    access = VendorStaffAccessFactory(department=department, identifier="440301199001015678")
    assert access.department == access.contract.department
    client.force_login(officer)
    page = client.get(reverse("audits:vendorstaffaccess_list")).content.decode()
    assert "**************5678" in page
    assert "440301199001015678" not in page


def test_contract_form_refuses_end_before_start(client, officer):
    vendor = VendorFactory()
    client.force_login(officer)
    response = client.post(
        reverse("audits:servicecontract_add"),
        {
            "vendor": vendor.pk,
            "title": "安全服务合同",
            "scope": "security",
            "systems": "门户网站",
            "starts_on": "2026-06-01",
            "ends_on": "2026-01-01",
            "department": Department.objects.get(code="XXZX").pk,
        },
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in response.content.decode()
    assert not ServiceContract.objects.filter(title="安全服务合同").exists()


# --- the yearly review -----------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False)
def test_yearly_review_obligation_created_once_met_by_the_review_and_overdue_later(officer, department):
    active = ServiceContractFactory(department=department)
    services.activate(active, by=officer)
    ServiceContractFactory(department=department)  # a draft has no review
    assert ensure_outsourcing_reviews() == 1
    assert ensure_outsourcing_reviews() == 0
    (obligation,) = obligations_of(active, services.REVIEW_KIND)
    assert obligation.state == Obligation.State.OPEN

    review = services.save_review(
        OutsourcingReview(
            contract=active,
            reviewed_on=datetime.date(2026, 3, 1),
            reviewer=officer,
            conclusion="履约正常，人员权限与合同一致。",
        ),
        by=officer,
    )
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert review.obligation == obligation
    assert review.department == department


def test_an_unreviewed_contract_is_overdue_after_the_year(officer, department):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        contract = ServiceContractFactory(department=department)
        services.activate(contract, by=officer)
        services.ensure_yearly_reviews()
    (obligation,) = obligations_of(contract, services.REVIEW_KIND)
    with time_machine.travel(datetime.datetime(2027, 1, 2, 10, 0, tzinfo=TZ), tick=False):
        assert obligation.due_at < timezone.now()
        assert obligation.is_open
        services.ensure_yearly_reviews()
    assert obligations_of(contract, services.REVIEW_KIND).count() == 2


# --- access ---------------------------------------------------------------------------------------


def test_another_department_sees_none_of_it(client, department, outsider, head):
    contract = ServiceContractFactory(department=department, title="本处运维合同")
    access = VendorStaffAccessFactory(department=department, contract=contract)
    client.force_login(outsider)
    assert "本处运维合同" not in client.get(reverse("audits:servicecontract_list")).content.decode()
    assert client.get(contract.get_absolute_url()).status_code == 404
    assert client.get(access.get_absolute_url()).status_code == 404
    assert client.get(f"/api/service-contracts/{contract.pk}/").status_code == 404
    assert client.get(f"/api/vendor-staff/{access.pk}/").status_code == 404
    export = client.get(reverse("audits:servicecontract_list"), {"export": "csv"})
    assert "本处运维合同" not in b"".join(export.streaming_content).decode()

    client.force_login(head)
    assert client.get(contract.get_absolute_url()).status_code == 200
    assert client.post(
        f"/api/service-contracts/{contract.pk}/end/", {"status": "terminated"}
    ).status_code in (
        400,
        403,
    )
