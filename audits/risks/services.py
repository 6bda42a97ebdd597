"""The risk register: saving a risk keeps its next-review obligation; formal acceptance (leadership
or an officer, never the owner), periodic review, closing; the heat map."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.org.access import can
from szmz_security.org.roles import LEADERSHIP

from .. import risk_levels
from ..common import end_of_day, require_change
from .models import Risk

RISK_REVIEW_KIND = "audits.risk_review"
RISK_REVIEW_CLAUSE = "市民政局制度 第四章（风险台账复核）"


def can_accept(user, risk):
    """Who may formally accept a risk: leadership or a security officer, never its owner."""
    if not user.is_authenticated or user.pk == risk.owner_id:
        return False
    return user.has_perm("audits.accept_risk") or user.groups.filter(name=LEADERSHIP.name).exists()


def _sync_review_obligation(risk):
    """Keep the risk's next-review obligation in line with ``next_review``."""
    current = risk.review_obligation
    if risk.status == Risk.Status.CLOSED or risk.next_review is None:
        return
    due = end_of_day(risk.next_review)
    if current is not None and current.is_open:
        if current.due_at != due:
            obligations.reschedule(current, due_at=due, reason="下次复核日期调整")
        return
    risk.review_obligation = obligations.create_obligation(
        title=f"风险复核：{risk.title}",
        kind=RISK_REVIEW_KIND,
        clause=RISK_REVIEW_CLAUSE,
        due_at=due,
        department=risk.department,
        subject=risk,
        assignee=risk.owner,
        notify_roles=(),
        escalate_roles=("security_officer",),
    )
    risk.save(update_fields=["review_obligation"])


@transaction.atomic
def save_risk(risk, *, by):
    errors = {}
    if risk.next_review and risk.next_review < timezone.localdate() and risk.pk is None:
        errors["next_review"] = "下次复核日期不能早于今天。"
    if (
        risk.project_id
        and risk.project.department_id != risk.department_id
        and not by.has_perm("audits.change_risk")
    ):
        errors["project"] = "只能关联本部门的项目。"
    if errors:
        raise ValidationError(errors)
    risk._change_reason = "登记风险" if risk.pk is None else "修改风险"
    risk.save()
    _sync_review_obligation(risk)
    return risk


@transaction.atomic
def accept_risk(risk, *, by, expires, note):
    """Formal acceptance by leadership or an officer (not the owner), valid until ``expires``."""
    if not can(by, "view", risk):
        raise PermissionDenied
    if not can_accept(by, risk):
        raise PermissionDenied("风险接受须由局领导或安全员审批，且不能由风险责任人本人审批。")
    errors = {}
    if risk.status != Risk.Status.OPEN:
        errors["__all__"] = "风险已关闭。"
    if expires is None:
        errors["expires"] = "请填写接受有效期。"
    elif expires < timezone.localdate():
        errors["expires"] = "接受有效期不能早于今天。"
    if not (note or "").strip():
        errors["note"] = "请填写接受理由。"
    if errors:
        raise ValidationError(errors)
    risk.accepted_by = by
    risk.accepted_at = timezone.now()
    risk.acceptance_expires = expires
    risk.acceptance_note = note.strip()
    risk.treatment = Risk.Treatment.ACCEPT
    risk._change_reason = f"风险接受（有效期至 {expires:%Y-%m-%d}）"
    risk.save()
    return risk


@transaction.atomic
def review_risk(risk, *, by, note, next_review):
    """A periodic review done: meets the open review obligation and sets the next date."""
    require_change(by, risk)
    if not (note or "").strip():
        raise ValidationError({"note": "请填写复核情况。"})
    if next_review is None or next_review <= timezone.localdate():
        raise ValidationError({"next_review": "下次复核日期应晚于今天。"})
    if risk.review_obligation_id and risk.review_obligation.is_open:
        obligations.meet(risk.review_obligation, by=by, evidence=note.strip())
    risk.next_review = next_review
    risk.review_obligation = None
    risk._change_reason = f"复核：{note.strip()[:80]}"
    risk.save()
    _sync_review_obligation(risk)
    return risk


@transaction.atomic
def close_risk(risk, *, by, reason):
    require_change(by, risk)
    if risk.status == Risk.Status.CLOSED:
        raise ValidationError("风险已关闭。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明关闭原因（如风险已消除）。"})
    risk.status = Risk.Status.CLOSED
    risk.closed_at = timezone.now()
    risk._change_reason = f"关闭：{reason.strip()}"
    risk.save()
    if risk.review_obligation_id and risk.review_obligation.is_open:
        obligations.waive(risk.review_obligation, by=by, reason=f"风险已关闭：{reason.strip()}")
    return risk


def heat_map(queryset):
    """5×5 counts by (likelihood, severity), one aggregate query; rows from likelihood 5 to 1."""
    counts = {
        (row["likelihood"], row["severity"]): row["n"]
        for row in queryset.order_by().values("likelihood", "severity").annotate(n=Count("pk"))
    }
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for severity in range(1, 6):
            level = risk_levels.level_for(likelihood * severity)
            cells.append(
                {
                    "likelihood": likelihood,
                    "severity": severity,
                    "score": likelihood * severity,
                    "level": level,
                    "label": risk_levels.LEVEL_LABELS[level],
                    "colour": risk_levels.LEVEL_HEX[level],
                    "text": risk_levels.LEVEL_TEXT[level],
                    "count": counts.get((likelihood, severity), 0),
                }
            )
        rows.append({"likelihood": likelihood, "cells": cells})
    return rows
