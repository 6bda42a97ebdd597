"""The rules of public accounts: a publication addressed to one must match its platform and find it
operating; each operating account is reviewed once a year (an obligation met by the review)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations

from .models import PublicAccount, PublicAccountReview

REVIEW_KIND = "publishing.account_review"
REVIEW_CLAUSE = "互联网用户公众账号信息服务管理规定 第四条；公众账号年度核查"


def check_publication_account(publication):
    """A publication's account: of the publication's channel, and operating. Raises per field."""
    account = publication.account
    if account is None:
        return
    if account.platform != publication.channel:
        raise ValidationError(
            {"account": f"公众账号“{account.name}”属于{account.get_platform_display()}，与发布渠道不一致。"}
        )
    if not account.is_active:
        raise ValidationError(
            {"account": f"公众账号“{account.name}”当前为“{account.get_status_display()}”，不能向其发布。"}
        )


def review_due_at(year):
    month, day = (int(part) for part in settings.PUBLISHING_ACCOUNT_REVIEW_DUE.split("-"))
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date(year, month, day), datetime.time(23, 59, 59))
    )


def save_account(account, *, by, reason):
    """Save an account; closing it waives the reviews it still owes (a closed account is no longer
    reviewed), with who closed it and when."""
    was_closed = (
        account.pk is not None
        and PublicAccount.objects.filter(pk=account.pk, status=PublicAccount.Status.CLOSED).exists()
    )
    account._history_user = by
    account._change_reason = reason
    account.full_clean()
    account.save()
    if account.status == PublicAccount.Status.CLOSED and not was_closed:
        for review in account.reviews.filter(reviewed_on__isnull=True, obligation__state="open"):
            obligations.waive(review.obligation, by=by, reason=f"公众账号“{account.name}”已注销，不再核查。")
    return account


@transaction.atomic
def ensure_reviews(today=None):
    """This year's review of every operating account and its obligation, each created once
    (a beat task, daily: idempotent). Returns the reviews created or completed with an obligation."""
    today = today or timezone.localdate()
    touched = []
    for account in PublicAccount.objects.filter(status=PublicAccount.Status.ACTIVE).select_for_update():
        review, _ = PublicAccountReview.objects.get_or_create(
            account=account, year=today.year, defaults={"department_id": account.department_id}
        )
        if review.obligation_id is None and not review.is_done:
            review.obligation = obligations.create_obligation(
                title=f"完成公众账号“{account.name}”{today.year}年度核查",
                kind=REVIEW_KIND,
                clause=REVIEW_CLAUSE,
                due_at=review_due_at(today.year),
                department=account.department,
                subject=review,
                assignee=account.content_officer,
                notify_roles=("information_officer",),
                escalate_roles=("leadership",),
            )
            review._change_reason = "年度核查，自动创建"
            review.save(update_fields=["obligation"])
            touched.append(review)
    return touched


@transaction.atomic
def complete_review(review, *, by, still_needed, officer_confirmed, registration_current, conclusion):
    """Record the year's review; it meets the obligation (late when after its deadline)."""
    review = PublicAccountReview.objects.select_for_update().get(pk=review.pk)
    if review.is_done:
        raise ValidationError("该年度核查已完成，不能重复提交。")
    if not conclusion.strip():
        raise ValidationError({"conclusion": "请填写核查结论。"})
    if not still_needed and review.account.is_active:
        raise ValidationError({"still_needed": "账号不再需要运营的，请先将账号暂停或注销，再提交核查。"})
    today = timezone.localdate()
    review.reviewed_on = today
    review.reviewer = by
    review.still_needed = still_needed
    review.officer_confirmed = officer_confirmed
    review.registration_current = registration_current
    review.conclusion = conclusion.strip()
    review._history_user = by
    review._change_reason = "完成年度核查"
    review.save()
    account = review.account
    account.last_reviewed_on = today
    save_account(account, by=by, reason=f"{review.year}年度核查完成")
    if review.obligation_id and review.obligation.is_open:
        obligations.meet(review.obligation, by=by, evidence=f"公众账号年度核查：{review.conclusion[:150]}")
    return review
