"""The rules of outsourced services: a contract takes effect only with a signed security
agreement; ending it revokes every vendor person's access in the same transaction; each active
contract is reviewed once a year (an obligation, created by the hourly beat task)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation

from ..common import end_of_day
from .models import ServiceContract

REVIEW_KIND = "audits.outsourcing_review"
REVOKE_KIND = "audits.vendor_access_revoke"
REVIEW_CLAUSE = "外包服务年度安全审查（等保2.0 8.1.9.6 服务供应商管理）"
REVOKE_CLAUSE = "外包合同结束时撤销外包人员访问权限（等保2.0 8.1.4.4 外部人员访问管理）"


def _open_obligations(contract, kind):
    return Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(ServiceContract),
        subject_id=contract.pk,
        kind=kind,
        state=Obligation.State.OPEN,
    )


@transaction.atomic
def activate(contract, *, by):
    """草拟 → 生效: only with the security agreement signed; creates the access-revoke obligation
    due on the contract's end date."""
    contract = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ServiceContract.Status.DRAFT:
        raise ValidationError("只有草拟状态的合同可以生效。")
    if contract.agreement_signed_on is None:
        raise ValidationError({"agreement_signed_on": "未签订保密/安全协议的外包合同不能生效。"})
    contract.status = ServiceContract.Status.ACTIVE
    contract._change_reason = "合同生效"
    contract.save(update_fields=["status"])
    if not _open_obligations(contract, REVOKE_KIND).exists():
        obligations.create_obligation(
            title=f"撤销外包人员访问权限：{contract.title}",
            kind=REVOKE_KIND,
            clause=REVOKE_CLAUSE,
            due_at=end_of_day(contract.ends_on),
            department=contract.department,
            subject=contract,
            notify_roles=("security_officer",),
            escalate_roles=("leadership",),
        )
    return contract


@transaction.atomic
def end_contract(contract, *, by, status=ServiceContract.Status.TERMINATED, on=None):
    """生效 → 到期/终止: every vendor person's access still open is revoked on the same day, and
    the access-revoke obligation is met by that."""
    on = on or timezone.localdate()
    if status not in (ServiceContract.Status.EXPIRED, ServiceContract.Status.TERMINATED):
        raise ValidationError({"status": "请选择到期或终止。"})
    contract = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ServiceContract.Status.ACTIVE:
        raise ValidationError("只有生效中的合同可以到期或终止。")
    revoked = 0
    for access in contract.staff.filter(access_revoked_on__isnull=True):
        access.access_revoked_on = max(on, access.access_granted_on)
        access._change_reason = f"合同{ServiceContract.Status(status).label}，撤销访问权限"
        access.save(update_fields=["access_revoked_on"])
        revoked += 1
    contract.status = status
    contract.ended_on = on
    contract._change_reason = f"合同{ServiceContract.Status(status).label}"
    contract.save(update_fields=["status", "ended_on"])
    for obligation in _open_obligations(contract, REVOKE_KIND):
        obligations.meet(obligation, by=by, evidence=f"合同结束，已撤销{revoked}名外包人员的访问权限。")
    return contract


@transaction.atomic
def revoke_access(access, *, by, on=None):
    on = on or timezone.localdate()
    if access.access_revoked_on is not None:
        raise ValidationError("该人员的访问权限已撤销。")
    if on < access.access_granted_on:
        raise ValidationError({"access_revoked_on": "撤销日期不能早于授权日期。"})
    access.access_revoked_on = on
    access._change_reason = "撤销访问权限"
    access.save(update_fields=["access_revoked_on"])
    return access


def save_staff_access(access):
    ended = access.contract.status in (ServiceContract.Status.EXPIRED, ServiceContract.Status.TERMINATED)
    if ended and access.access_revoked_on is None:
        raise ValidationError({"access_revoked_on": "合同已结束，外包人员不能保留访问权限。"})
    access.save()
    return access


def ensure_yearly_reviews(today=None):
    """Hourly (idempotent): one open yearly review obligation per active contract and year."""
    today = today or timezone.localdate()
    created = []
    content_type = ContentType.objects.get_for_model(ServiceContract)
    for contract in ServiceContract.objects.filter(status=ServiceContract.Status.ACTIVE).select_related(
        "department"
    ):
        with transaction.atomic():
            ServiceContract.objects.select_for_update().filter(pk=contract.pk).first()
            exists = Obligation.objects.filter(
                subject_type=content_type,
                subject_id=contract.pk,
                kind=REVIEW_KIND,
                due_at__year=today.year,
            ).exists()
            if exists:
                continue
            created.append(
                obligations.create_obligation(
                    title=f"{today.year}年度外包服务审查：{contract.title}",
                    kind=REVIEW_KIND,
                    clause=REVIEW_CLAUSE,
                    due_at=end_of_day(datetime.date(today.year, 12, 31)),
                    department=contract.department,
                    subject=contract,
                    notify_roles=("security_officer",),
                    escalate_roles=("leadership",),
                )
            )
    return created


@transaction.atomic
def save_review(review, *, by=None):
    """Save a yearly review; it meets the contract's open review obligation of its year."""
    review.save()
    if review.obligation_id is None:
        obligation = (
            _open_obligations(review.contract, REVIEW_KIND)
            .filter(due_at__year=review.reviewed_on.year)
            .first()
        )
        if obligation is not None:
            obligations.meet(
                obligation, by=by or review.reviewer, evidence=f"外包服务年度审查：{review.conclusion[:100]}"
            )
            review.obligation = obligation
            review.save(update_fields=["obligation"])
    return review
