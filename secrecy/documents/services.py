"""The rules of the classified documents register: registration (the custodian is granted the
record), circulation with its return obligation, 清退 and 销毁 with a witness, and the yearly
secrecy-period review (obligation created idempotently by the beat task, met by the review)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import grant
from szmz_security.org.models import Department

from .models import ClassifiedDocument, DocumentCirculation, SecrecyPeriodReview

RETURN_KIND = "secrecy.document_return"
RETURN_CLAUSE = "市民政局保密工作制度 第三章 涉密文件资料管理"
PERIOD_REVIEW_KIND = "secrecy.period_review"
PERIOD_REVIEW_CLAUSE = "保守国家秘密法 第二十四条（每年审核所确定的国家秘密）"
Status = ClassifiedDocument.Status


def end_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def _grant_custodian(document):
    # Need-to-know: the custodian always reads the document they keep.
    grant("view", document.custodian, document)


@transaction.atomic
def save_document(document, *, by=None):
    """Register or correct a document; its custodian is granted sight of it."""
    document.full_clean()
    document.save()
    _grant_custodian(document)
    return document


def _ensure_open(document, action):
    if document.is_closed:
        raise ValidationError(f"该文件已{document.get_status_display()}，不能再{action}。")


@transaction.atomic
def lend(document, *, by, recipient, lent_on, due_on, note=""):
    """传阅/借阅: the document goes to ``recipient`` until ``due_on``; an obligation to return it."""
    document = ClassifiedDocument.objects.select_for_update().get(pk=document.pk)
    _ensure_open(document, "传阅或借阅")
    if due_on < lent_on:
        raise ValidationError({"due_on": "应还日期不能早于借出日期。"})
    if recipient is None:
        raise ValidationError({"recipient": "请选择传阅/借阅人。"})
    circulation = DocumentCirculation(
        document=document, recipient=recipient, lent_on=lent_on, due_on=due_on, recorded_by=by, note=note
    )
    circulation.full_clean(exclude=["obligation"])
    circulation.save()
    circulation.obligation = obligations.create_obligation(
        title=f"归还涉密文件 {document.number}",
        kind=RETURN_KIND,
        clause=RETURN_CLAUSE,
        due_at=end_of_day(due_on),
        department=document.department,
        subject=document,
        assignee=recipient,
        notify_roles=("secrecy_office",),
        escalate_roles=("secrecy_office",),
    )
    circulation.save(update_fields=["obligation"])
    grant("view", recipient, document)
    document.status = Status.CIRCULATING
    document._change_reason = f"传阅/借阅给 {recipient}"
    document.save(update_fields=["status"])
    return circulation


@transaction.atomic
def return_document(circulation, *, by, returned_on=None):
    """Returning closes the circulation and meets its obligation (late if after the due date)."""
    circulation = DocumentCirculation.objects.select_for_update().get(pk=circulation.pk)
    if not circulation.is_open:
        raise ValidationError("该传阅/借阅已归还。")
    returned_on = returned_on or timezone.localdate()
    if returned_on < circulation.lent_on:
        raise ValidationError({"returned_on": "归还日期不能早于借出日期。"})
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": "归还日期不能晚于今天。"})
    circulation.returned_on = returned_on
    circulation.save(update_fields=["returned_on"])
    obligation = circulation.obligation
    if obligation is not None and obligation.is_open:
        at = min(end_of_day(returned_on), timezone.now())
        obligations.meet(obligation, by=by, evidence=f"已于{returned_on:%Y-%m-%d}归还", at=at)
    document = circulation.document
    if document.status == Status.CIRCULATING and not document.circulations.filter(returned_on=None).exists():
        document.status = Status.HELD
        document._change_reason = "传阅/借阅已归还"
        document.save(update_fields=["status"])
    return circulation


@transaction.atomic
def _dispose(document, *, status, on, method, witness, by):
    document = ClassifiedDocument.objects.select_for_update().get(pk=document.pk)
    _ensure_open(document, status.label.removeprefix("已"))
    errors = {}
    if not (method or "").strip():
        errors["disposal_method"] = "请填写清退或销毁方式。"
    if witness is None:
        errors["witness"] = "请选择监销人（监交人）。"
    elif witness.pk == document.custodian_id:
        errors["witness"] = "监销人不能是文件保管人本人。"
    if on is None:
        errors["closed_on"] = "请填写日期。"
    elif on > timezone.localdate():
        errors["closed_on"] = "日期不能晚于今天。"
    elif on < document.registered_on:
        errors["closed_on"] = "日期不能早于登记日期。"
    if document.circulations.filter(returned_on=None).exists():
        errors.setdefault("disposal_method", "该文件尚在传阅/借阅中，须先归还。")
    if errors:
        raise ValidationError(errors)
    document.status = status
    document.closed_on = on
    document.disposal_method = method.strip()
    document.witness = witness
    document._change_reason = f"{status.label}（监销人 {witness}）"
    document.save(update_fields=["status", "closed_on", "disposal_method", "witness"])
    return document


def return_to_issuer(document, *, on, method, witness, by):
    """清退: the document goes back to its issuer, handed over before a witness."""
    return _dispose(document, status=Status.RETURNED, on=on, method=method, witness=witness, by=by)


def destroy(document, *, on, method, witness, by):
    """销毁: the document is destroyed (定点销毁) before a witness (监销人)."""
    return _dispose(document, status=Status.DESTROYED, on=on, method=method, witness=witness, by=by)


# --- the yearly secrecy-period review ------------------------------------------------------------


def holding_departments():
    return Department.objects.filter(
        pk__in=ClassifiedDocument.objects.exclude(status__in=ClassifiedDocument.CLOSED_STATUSES).values(
            "department"
        )
    )


def period_review_obligation(department, year):
    return Obligation.objects.filter(
        kind=PERIOD_REVIEW_KIND, department=department, due_at__year=year
    ).first()


@transaction.atomic
def ensure_period_review_obligations(year=None):
    """The beat task (idempotent): this year's period review for each department holding documents."""
    year = year or timezone.localdate().year
    created = []
    for department in holding_departments().select_for_update():
        if period_review_obligation(department, year) is not None:
            continue
        if SecrecyPeriodReview.objects.filter(department=department, year=year).exists():
            continue
        created.append(
            obligations.create_obligation(
                title=f"{year}年度涉密文件保密期限审查",
                kind=PERIOD_REVIEW_KIND,
                clause=PERIOD_REVIEW_CLAUSE,
                due_at=end_of_day(datetime.date(year, 12, 31)),
                department=department,
                notify_roles=("secrecy_office",),
                escalate_roles=("secrecy_office", "leadership"),
            )
        )
    return created


@transaction.atomic
def record_period_review(review, *, declassified=(), by=None):
    """Record a department's yearly review; the documents it declassifies become 已解密, and the
    year's obligation is met."""
    review.full_clean()
    foreign = [d for d in declassified if d.department_id != review.department_id]
    if foreign:
        raise ValidationError({"declassified": "只能解密本部门登记的文件。"})
    closed = [d for d in declassified if d.is_closed]
    if closed:
        raise ValidationError(
            {"declassified": f"文件 {closed[0].number} 已{closed[0].get_status_display()}。"}
        )
    review.save()
    for document in declassified:
        document.status = Status.DECLASSIFIED
        document.closed_on = review.reviewed_on
        document._change_reason = f"{review.year}年度保密期限审查解密"
        document.save(update_fields=["status", "closed_on"])
    review.declassified.add(*declassified)
    obligation = period_review_obligation(review.department, review.year)
    if obligation is not None and obligation.is_open:
        at = min(end_of_day(review.reviewed_on), timezone.now())
        obligations.meet(obligation, by=by or review.reviewed_by, evidence=str(review), at=at)
    return review
