"""Rules of the personal-information inventory: each inventory is reviewed once a year, and one with
a retention period has its records past retention destroyed once a year; both are obligations of
the owning department, created by a daily beat task and met by the review or the destruction record."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation

from ..common import end_of_day
from .models import PersonalDataDestruction, PersonalDataInventory

REVIEW_KIND = "audits.pi_inventory_review"
RETENTION_KIND = "audits.pi_retention"
REVIEW_CLAUSE = "服务对象信息安全管理制度 第四、五条；个人信息保护法 第五十一条"
RETENTION_CLAUSE = "服务对象信息安全管理制度 第十四条；个人信息保护法 第四十七条"


def year_due_at(year):
    month, day = (int(part) for part in settings.AUDITS_PI_REVIEW_DUE.split("-"))
    return end_of_day(datetime.date(year, month, day))


def _save(record, *, by, reason):
    record._history_user = by
    record._change_reason = reason
    record.full_clean()
    record.save()
    return record


def save_inventory(inventory, *, by):
    return _save(inventory, by=by, reason="登记/修改个人信息处理清单")


def _open_obligation(inventory, kind):
    """The inventory's earliest open obligation of a kind: a review or clean-up done after the year
    it was owed for meets that year's, late."""
    return (
        Obligation.objects.filter(
            kind=kind,
            subject_type=ContentType.objects.get_for_model(PersonalDataInventory),
            subject_id=inventory.pk,
            state=Obligation.State.OPEN,
        )
        .order_by("due_at")
        .first()
    )


def _year_obligation(inventory, kind, year):
    return Obligation.objects.filter(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(PersonalDataInventory),
        subject_id=inventory.pk,
        due_at=year_due_at(year),
    ).first()


@transaction.atomic
def ensure_yearly(today=None):
    """This year's review of every inventory, and its retention clean-up where it has a period;
    each obligation created once (a daily beat task). Returns the obligations created."""
    today = today or timezone.localdate()
    created = []
    for inventory in PersonalDataInventory.objects.select_related("department").select_for_update():
        wanted = [(REVIEW_KIND, f"完成“{inventory}”{today.year}年度个人信息清单核查", REVIEW_CLAUSE)]
        if inventory.retention_months:
            wanted.append(
                (
                    RETENTION_KIND,
                    f"销毁“{inventory}”超过保存期限的个人信息（{today.year}年度）",
                    RETENTION_CLAUSE,
                )
            )
        for kind, title, clause in wanted:
            if _year_obligation(inventory, kind, today.year) is None:
                created.append(
                    obligations.create_obligation(
                        title=title,
                        kind=kind,
                        clause=clause,
                        due_at=year_due_at(today.year),
                        department=inventory.department,
                        subject=inventory,
                        notify_roles=("security_officer", "department_head"),
                        escalate_roles=("leadership",),
                    )
                )
    return created


@transaction.atomic
def review_inventory(inventory, *, by, note):
    """The year's review of an inventory (still accurate, basis and retention still right)."""
    inventory = PersonalDataInventory.objects.select_for_update().get(pk=inventory.pk)
    if not note.strip():
        raise ValidationError({"note": "请填写核查情况。"})
    today = timezone.localdate()
    inventory.last_reviewed_on = today
    _save(inventory, by=by, reason=f"年度核查：{note.strip()[:150]}")
    obligation = _open_obligation(inventory, REVIEW_KIND)
    if obligation is not None:
        obligations.meet(obligation, by=by, evidence=f"个人信息清单年度核查：{note.strip()[:150]}")
    return inventory


@transaction.atomic
def record_destruction(destruction, *, by):
    """A destruction record; it belongs to its inventory's department and meets that year's
    retention obligation of the inventory (late when after its deadline)."""
    destruction.department_id = destruction.inventory.department_id
    _save(destruction, by=by, reason="登记个人信息销毁")
    obligation = _open_obligation(destruction.inventory, RETENTION_KIND)
    if obligation is not None:
        obligations.meet(
            obligation,
            by=by,
            evidence=f"销毁记录 #{destruction.pk}：{destruction.scope}（{destruction.record_count} 条）",
            at=timezone.make_aware(datetime.datetime.combine(destruction.destroyed_on, datetime.time(12)))
            if destruction.destroyed_on < timezone.localdate()
            else None,
        )
    return destruction


def destructions_of(inventory):
    return PersonalDataDestruction.objects.filter(inventory=inventory)
