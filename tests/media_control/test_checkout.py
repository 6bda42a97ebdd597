"""The check-out chain: request → 处室负责人 → (保密办 for 机密/绝密) → 借出 → 归还, the return
obligation with its reminders, and who may do each step."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from media_control.models import Checkout, Medium
from media_control.movements import services as movement_services
from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Notification, Obligation
from szmz_security.org.access import can
from tests.factories import UserFactory


def request(medium, user, days=3, zone=None):
    return movement_services.request_checkout(
        medium,
        requester=user,
        purpose="外出核对救助档案",
        zone=zone or medium.zone,
        expected_return_at=timezone.now() + timedelta(days=days),
    )


def test_unclassified_checkout_needs_the_head_only(medium, staff, head, keeper):
    checkout = request(medium, staff)
    assert checkout.state == Checkout.State.PENDING_HEAD
    movement_services.approve_checkout(checkout, by=head, comment="同意")
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.APPROVED
    assert checkout.head_approved_by == head and checkout.head_comment == "同意"
    assert checkout.head_approved_at is not None


def test_requester_cannot_approve_own_request(medium, head, department):
    checkout = request(medium, head)
    with pytest.raises(PermissionDenied, match="不能审批自己"):
        movement_services.approve_checkout(checkout, by=head)
    assert not movement_services.can_approve(head, checkout)
    # Another head of the department may.
    deputy = UserFactory(username="deputy", roles=["department_head", "staff"], departments=[department])
    movement_services.approve_checkout(checkout, by=deputy)
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.APPROVED


def test_only_the_departments_head_approves(medium, staff, outsider, other_department, officer):
    other_head = UserFactory(
        username="otherhead", roles=["department_head", "staff"], departments=[other_department]
    )
    checkout = request(medium, staff)
    for user in (other_head, outsider, staff, officer):
        with pytest.raises(PermissionDenied):
            movement_services.approve_checkout(checkout, by=user)
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.PENDING_HEAD


def test_confidential_needs_head_then_secrecy_office_in_that_order(
    confidential_medium, keeper, head, secrecy
):
    checkout = request(confidential_medium, keeper)
    # The secrecy office cannot approve before the head.
    with pytest.raises(PermissionDenied, match="处室负责人"):
        movement_services.approve_checkout(checkout, by=secrecy)
    movement_services.approve_checkout(checkout, by=head)
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.PENDING_SECRECY
    # The head cannot give the second approval.
    with pytest.raises(PermissionDenied, match="保密办"):
        movement_services.approve_checkout(checkout, by=head)
    movement_services.approve_checkout(checkout, by=secrecy, comment="限涉密机房使用")
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.APPROVED
    assert checkout.secrecy_approved_by == secrecy


def test_secret_level_needs_the_head_only(secret_medium, keeper, head):
    checkout = request(secret_medium, keeper)
    movement_services.approve_checkout(checkout, by=head)
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.APPROVED


def test_head_is_told_of_a_classified_request_and_may_see_it(confidential_medium, keeper, head):
    assert not can(head, "view", confidential_medium)
    checkout = request(confidential_medium, keeper)
    assert can(head, "view", confidential_medium)
    assert Notification.objects.for_user(head).filter(key=f"media.checkout:{checkout.pk}:head").exists()


def test_cross_network_use_is_refused(medium, staff):
    with pytest.raises(ValidationError) as refused:
        request(medium, staff, zone="internet")
    assert "严禁移动介质交叉使用" in refused.value.message_dict["zone"][0]
    assert not Checkout.objects.exists()


def test_return_date_must_be_in_the_future(medium, staff):
    with pytest.raises(ValidationError) as refused:
        request(medium, staff, days=-1)
    assert "expected_return_at" in refused.value.message_dict


def test_one_open_checkout_at_a_time(medium, staff, head):
    request(medium, staff)
    with pytest.raises(ValidationError, match="尚未完成的借用申请"):
        request(medium, head)


def test_invisible_medium_cannot_be_requested(confidential_medium, staff):
    with pytest.raises(PermissionDenied):
        request(confidential_medium, staff)


def handed_out(medium, requester, head, keeper, days=3):
    checkout = request(medium, requester, days=days)
    movement_services.approve_checkout(checkout, by=head)
    return movement_services.hand_out(checkout, by=keeper)


def test_hand_out_creates_the_return_obligation(medium, staff, head, keeper):
    checkout = handed_out(medium, staff, head, keeper)
    medium.refresh_from_db()
    assert medium.status == Medium.Status.CHECKED_OUT
    obligation = checkout.obligation
    assert obligation.kind == "media.return"
    assert obligation.clause.startswith("市民政局制度 第六章第5条")
    assert obligation.assignee == staff
    assert obligation.due_at == checkout.expected_return_at
    assert obligation.subject == checkout
    assert obligation.restricted is False


def test_classified_return_obligation_is_restricted(confidential_medium, keeper, head, secrecy):
    checkout = request(confidential_medium, keeper)
    movement_services.approve_checkout(checkout, by=head)
    movement_services.approve_checkout(checkout, by=secrecy)
    checkout = movement_services.hand_out(checkout, by=keeper)
    assert checkout.obligation.restricted is True


def test_hand_out_before_approval_is_refused(medium, staff, keeper):
    checkout = request(medium, staff)
    with pytest.raises(ValidationError, match="审批完成后"):
        movement_services.hand_out(checkout, by=keeper)


def test_requester_cannot_hand_out_to_themselves(medium, staff, head):
    checkout = request(medium, staff)
    movement_services.approve_checkout(checkout, by=head)
    with pytest.raises(PermissionDenied):
        movement_services.hand_out(checkout, by=staff)


def test_return_in_time_meets_the_obligation(medium, staff, head, keeper):
    checkout = handed_out(medium, staff, head, keeper)
    movement_services.return_checkout(checkout, by=keeper, condition="intact")
    checkout.refresh_from_db()
    medium.refresh_from_db()
    assert checkout.state == Checkout.State.RETURNED
    assert checkout.obligation.state == Obligation.State.MET
    assert medium.status == Medium.Status.IN_STOCK


def test_late_return_is_met_late(medium, staff, head, keeper):
    checkout = handed_out(medium, staff, head, keeper, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        movement_services.return_checkout(checkout, by=keeper, condition="intact")
    checkout.refresh_from_db()
    assert checkout.obligation.state == Obligation.State.MET_LATE


def test_damaged_return_needs_a_note(medium, staff, head, keeper):
    checkout = handed_out(medium, staff, head, keeper)
    with pytest.raises(ValidationError) as refused:
        movement_services.return_checkout(checkout, by=keeper, condition="damaged")
    assert "note" in refused.value.message_dict
    movement_services.return_checkout(checkout, by=keeper, condition="damaged", note="外壳开裂")
    checkout.refresh_from_db()
    assert checkout.get_condition_display() == "损坏"


def test_overdue_return_reminds_the_requester(medium, staff, head, keeper, officer):
    checkout = handed_out(medium, staff, head, keeper, days=1)
    obligations.sweep()
    assert Notification.objects.for_user(staff).filter(stage="created").exists()
    with time_machine.travel(checkout.expected_return_at + timedelta(minutes=5)):
        obligations.sweep()
    breach = Notification.objects.for_user(staff).get(obligation=checkout.obligation, stage="breach")
    assert breach.level == Notification.Level.DANGER
    assert medium.number in breach.title
    # The department head (unclassified medium) is told too; escalation an hour later reaches officers.
    assert Notification.objects.for_user(head).filter(stage="breach").exists()
    with time_machine.travel(checkout.expected_return_at + timedelta(minutes=65)):
        obligations.sweep()
    assert Notification.objects.for_user(officer).filter(stage="escalation").exists()


def test_reject_needs_a_reason_and_notifies(medium, staff, head):
    checkout = request(medium, staff)
    with pytest.raises(ValidationError):
        movement_services.reject_checkout(checkout, by=head, reason=" ")
    movement_services.reject_checkout(checkout, by=head, reason="近期无外出任务")
    checkout.refresh_from_db()
    assert checkout.state == Checkout.State.REJECTED
    assert Notification.objects.for_user(staff).filter(key=f"media.checkout:{checkout.pk}:rejected").exists()
