"""Check-out (借用): the approval chain (department head, then the secrecy office for 机密/绝密),
hand-out, return, and the loss report that files an incident (chapter 6 §4–5). Refusals as in
``ledger.services``; the rows moved are locked, so two clicks never hand a medium out twice."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.categories import Category
from incidents.models import Incident
from incidents.services import file_incident
from szmz_security.core.choices import NetworkZone
from szmz_security.obligations import services as obligations
from szmz_security.org.access import can, grant
from szmz_security.org.models import display_name

from ..ledger.models import Medium
from ..ledger.services import (
    can_manage,
    heads_of,
    is_head_of,
    is_secrecy_office,
    lock_medium,
    refuse_destroyed,
    secrecy_officers,
)
from .models import Checkout

RETURN_KIND = "media.return"
RETURN_CLAUSE = "市民政局制度 第六章第5条（涉密介质登记管理）"

Status = Medium.Status
State = Checkout.State


# --- check-out ------------------------------------------------------------------------------------


def check_zone(medium, zone, field="zone"):
    if zone != medium.zone:
        raise ValidationError(
            {
                field: f"该介质只能在{NetworkZone(medium.zone).label}使用，不能用于{NetworkZone(zone).label}"
                "（第六章第4条：严禁移动介质交叉使用）。"
            }
        )


def may_request_checkout(user):
    """Who may ask to borrow media at all (the add permission of check-outs)."""
    return user.has_perm("media_control.add_checkout")


@transaction.atomic
def request_checkout(medium, *, requester, purpose, zone, expected_return_at):
    if not can(requester, "view", medium):
        raise PermissionDenied("您无权查看该介质。")
    if not may_request_checkout(requester):
        raise PermissionDenied("您没有申请借用介质的权限。")
    medium = lock_medium(medium)
    errors = {}
    if not (purpose or "").strip():
        errors["purpose"] = "请填写借用用途。"
    if expected_return_at is None:
        errors["expected_return_at"] = "请填写预计归还时间。"
    elif expected_return_at <= timezone.now():
        errors["expected_return_at"] = "预计归还时间应晚于当前时间。"
    if errors:
        raise ValidationError(errors)
    check_zone(medium, zone)
    if medium.status != Status.IN_STOCK:
        raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能借用。")
    if medium.checkouts.filter(state__in=Checkout.OPEN_STATES).exists():
        raise ValidationError("该介质已有尚未完成的借用申请。")
    checkout = Checkout.objects.create(
        medium=medium,
        requester=requester,
        purpose=purpose.strip(),
        zone=zone,
        expected_return_at=expected_return_at,
    )
    grant("view", requester, medium)
    heads = list(heads_of(medium.department).exclude(pk=requester.pk))
    if medium.restricted:
        # The heads who must approve a classified medium's check-out are told of it (need-to-know).
        for head in heads:
            grant("view", head, medium)
    obligations.notify(
        heads,
        key=f"media.checkout:{checkout.pk}:head",
        title=f"待审批：介质借用 {medium.number}",
        body=f"{display_name(requester)} 申请借用 {medium.number}（{medium.marking}），用途：{checkout.purpose}",
        url=checkout.get_absolute_url(),
    )
    return checkout


def _lock_checkout(checkout):
    locked = Checkout.objects.select_for_update().select_related("medium").get(pk=checkout.pk)
    refuse_destroyed(locked.medium)
    return locked


def can_approve(user, checkout):
    """The next approval this user may give (head, then secrecy office), never on their own request."""
    if not user.is_authenticated or checkout.requester_id == user.pk:
        return False
    if checkout.state == State.PENDING_HEAD:
        return is_head_of(user, checkout.medium.department)
    if checkout.state == State.PENDING_SECRECY:
        return is_secrecy_office(user)
    return False


@transaction.atomic
def approve_checkout(checkout, *, by, comment=""):
    checkout = _lock_checkout(checkout)
    if checkout.state not in Checkout.PENDING_STATES:
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，无需审批。")
    if checkout.requester_id == by.pk:
        raise PermissionDenied("不能审批自己的借用申请。")
    now = timezone.now()
    if checkout.state == State.PENDING_HEAD:
        if not is_head_of(by, checkout.medium.department):
            raise PermissionDenied("须由该介质所属部门的处室负责人审批。")
        checkout.head_approved_by, checkout.head_approved_at = by, now
        checkout.head_comment = comment.strip()
        if checkout.needs_secrecy_office:
            checkout.state = State.PENDING_SECRECY
            obligations.notify(
                secrecy_officers().exclude(pk=checkout.requester_id),
                key=f"media.checkout:{checkout.pk}:secrecy",
                title=f"待保密办审批：介质借用 {checkout.medium.number}",
                body=f"{checkout.medium.marking} 介质借用，处室负责人已同意。",
                url=checkout.get_absolute_url(),
            )
        else:
            checkout.state = State.APPROVED
    else:
        if not is_secrecy_office(by):
            raise PermissionDenied(
                f"{checkout.medium.get_secrecy_level_display()}介质的借用须经保密办审批（处室负责人已审批）。"
            )
        checkout.secrecy_approved_by, checkout.secrecy_approved_at = by, now
        checkout.secrecy_comment = comment.strip()
        checkout.state = State.APPROVED
    checkout._change_reason = f"审批通过：{display_name(by)}"
    checkout.save()
    if checkout.state == State.APPROVED:
        obligations.notify(
            [checkout.requester],
            key=f"media.checkout:{checkout.pk}:approved",
            title=f"借用申请已批准：{checkout.medium.number}",
            body="请向保管人领用介质。",
            url=checkout.get_absolute_url(),
        )
    return checkout


@transaction.atomic
def reject_checkout(checkout, *, by, reason):
    checkout = _lock_checkout(checkout)
    if checkout.state not in (*Checkout.PENDING_STATES, State.APPROVED):
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，不能驳回。")
    if checkout.requester_id == by.pk:
        raise PermissionDenied("不能审批自己的借用申请；如不再需要，请联系保管人。")
    allowed = can_approve(by, checkout) or (
        checkout.state == State.APPROVED and can_manage(by, checkout.medium)
    )
    if not allowed:
        raise PermissionDenied("您不是该申请当前环节的审批人。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写驳回理由。"})
    checkout.state = State.REJECTED
    checkout.rejected_by, checkout.rejected_at, checkout.reject_reason = by, timezone.now(), reason.strip()
    checkout._change_reason = f"驳回：{reason.strip()}"
    checkout.save()
    obligations.notify(
        [checkout.requester],
        key=f"media.checkout:{checkout.pk}:rejected",
        title=f"借用申请被驳回：{checkout.medium.number}",
        body=reason.strip(),
        url=checkout.get_absolute_url(),
    )
    return checkout


@transaction.atomic
def hand_out(checkout, *, by):
    """The custodian (or an officer) hands the approved medium over: it is 借出 and its return is
    an obligation of the requester, with reminders and escalation."""
    checkout = _lock_checkout(checkout)
    medium = lock_medium(checkout.medium)
    if checkout.state != State.APPROVED:
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，审批完成后才能借出。")
    if not can_manage(by, medium):
        raise PermissionDenied("须由保管人或安全员、保密办发放介质。")
    if medium.status != Status.IN_STOCK:
        raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能借出。")
    check_zone(medium, checkout.zone)
    now = timezone.now()
    due = checkout.expected_return_at
    obligation = obligations.create_obligation(
        title=f"归还移动介质 {medium.number}（{medium.marking}）",
        kind=RETURN_KIND,
        clause=RETURN_CLAUSE,
        due_at=due,
        department=medium.department,
        subject=checkout,
        assignee=checkout.requester,
        restricted=medium.restricted,
        notify_roles=("secrecy_office",) if medium.is_classified else (),
        escalate_roles=("secrecy_office", "security_officer")
        if medium.is_classified
        else ("security_officer",),
    )
    checkout.state = State.CHECKED_OUT
    checkout.handed_out_by, checkout.handed_out_at = by, now
    checkout.obligation = obligation
    checkout._change_reason = "借出"
    checkout.save()
    medium.status = Status.CHECKED_OUT
    medium._change_reason = f"借出给 {display_name(checkout.requester)}（借用申请 #{checkout.pk}）"
    medium.save()
    return checkout


@transaction.atomic
def return_checkout(checkout, *, by, condition, note="", at=None):
    """Record the return with the medium's condition; it meets the return obligation (late when
    after the expected return). A damaged or missing medium can then be reported lost."""
    checkout = _lock_checkout(checkout)
    medium = lock_medium(checkout.medium)
    if checkout.state != State.CHECKED_OUT:
        raise ValidationError(f"该申请当前为“{checkout.get_state_display()}”，不能登记归还。")
    if not can_manage(by, medium):
        raise PermissionDenied("须由保管人或安全员、保密办登记归还。")
    if condition not in Checkout.Condition.values:
        raise ValidationError({"condition": "请选择归还时的介质状况。"})
    if condition != Checkout.Condition.INTACT and not (note or "").strip():
        raise ValidationError({"note": "介质损坏或缺失时须说明情况。"})
    at = at or timezone.now()
    checkout.state = State.RETURNED
    checkout.returned_at, checkout.received_by = at, by
    checkout.condition, checkout.return_note = condition, (note or "").strip()
    checkout._change_reason = f"归还（{checkout.get_condition_display()}）"
    checkout.save()
    if checkout.obligation_id and checkout.obligation.is_open:
        evidence = f"{timezone.localtime(at):%Y-%m-%d %H:%M} 已归还，状况：{checkout.get_condition_display()}"
        obligations.meet(checkout.obligation, by=by, evidence=evidence, at=at)
    medium.status = Status.IN_STOCK
    medium._change_reason = f"归还（{checkout.get_condition_display()}）"
    medium.save()
    return checkout


def end_request(checkout, *, by, reason, change_reason):
    """A request not yet handed out ends with its medium (lost, destroyed): rejected."""
    checkout.state = State.REJECTED
    checkout.rejected_by, checkout.rejected_at, checkout.reject_reason = by, timezone.now(), reason
    checkout._change_reason = change_reason
    checkout.save()


# --- loss -----------------------------------------------------------------------------------------


def can_report_lost(user, medium):
    if medium.status in (Status.LOST, Status.DESTROYED) or not can(user, "view", medium):
        return False
    return (
        can_manage(user, medium) or medium.checkouts.filter(state=State.CHECKED_OUT, requester=user).exists()
    )


@transaction.atomic
def report_lost(medium, *, by, description):
    """The medium is 遗失 and an incident is filed at once: a secret leak when the medium is
    classified, so its 24-hour report to the secrecy bureau starts now (chapter 3 §5)."""
    medium = lock_medium(medium)
    if medium.status == Status.LOST:
        raise ValidationError("该介质已报告遗失。")
    if not can_report_lost(by, medium):
        raise PermissionDenied("须由保管人、借用人或安全员、保密办报告遗失。")
    if not (description or "").strip():
        raise ValidationError({"description": "请说明遗失经过（时间、地点、可能涉及的信息）。"})
    now = timezone.now()
    for checkout in medium.checkouts.select_for_update().filter(state__in=Checkout.OPEN_STATES):
        if checkout.state == State.CHECKED_OUT:
            checkout.state = State.LOST
            checkout._change_reason = "介质遗失"
            checkout.save()
            if checkout.obligation_id and checkout.obligation.is_open:
                obligations.waive(checkout.obligation, by=by, reason="介质遗失，已报告安全事件")
        else:
            end_request(checkout, by=by, reason="介质已遗失", change_reason="介质遗失，申请终止")
    classified = medium.is_classified
    incident = Incident(
        title=f"移动介质遗失：{medium.number}（{medium.marking}）",
        description=description.strip(),
        discovered_at=now,
        category=Category.INFORMATION_DAMAGE,
        subcategory="damage.leak" if classified else "damage.loss",
        secret_leak=classified,
        department=medium.department,
        reported_by=by,
        affected_assets=f"{medium.number} {medium.get_type_display()} {medium.brand} {medium.serial}".strip(),
        place="",
    )
    file_incident(incident, by=by)
    if medium.custodian_id and medium.custodian_id != by.pk:
        grant("view", medium.custodian, incident)
    medium.status = Status.LOST
    medium.incident = incident
    medium._change_reason = f"报告遗失（安全事件 #{incident.pk}）"
    medium.save()
    return incident
