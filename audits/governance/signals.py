"""Staff changes → account reviews (7 §2): a user deactivated, or removed from / moved into a
department, opens a task for the information centre to update accounts and rights. Connected in
``AuditsConfig.ready``. A first department given to a new user is onboarding, not a change."""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.utils import timezone

from szmz_security.org.models import Department, display_name

from . import services as governance
from .models import AccountReview


def _remember_active(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audits_was_active = None
        return
    instance._audits_was_active = (
        sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


def _deactivated(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:
        return
    if getattr(instance, "_audits_was_active", None) and not instance.is_active:
        # After the change commits (a rolled-back deactivation owes nothing).
        transaction.on_commit(
            partial(
                governance.open_account_review,
                subject=instance,
                kind=AccountReview.Kind.DEACTIVATED,
                reason=f"{display_name(instance)}的账号已停用（离职或调离）：停用其各系统账号、邮箱并收回权限。",
            )
        )
    instance._audits_was_active = instance.is_active


def _department_groups(pk_set):
    return list(Department.objects.filter(group_id__in=pk_set or ()).order_by("code"))


def _open_today(user):
    start = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    return (
        AccountReview.objects.filter(subject=user, closed_at__isnull=True, created_at__gte=start)
        .exclude(kind=AccountReview.Kind.YEARLY)
        .first()
    )


def _open_or_merge(user, kind, department, reason, existing=None):
    """One open task per person per day: a move (out of one department, into another) is one
    review, with both halves in its reason."""
    existing = existing or _open_today(user)
    if existing is not None:
        existing.reason = f"{existing.reason}；{reason}"[:300]
        existing._change_reason = "人员变动，补充事由"
        existing.save(update_fields=["reason"])
        return existing
    return governance.open_account_review(
        subject=user, kind=kind, reason=reason, changed_department=department
    )


def _membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    User = get_user_model()
    if action == "pre_clear":
        groups = instance.groups.values_list("pk", flat=True) if not reverse else []
        instance._audits_cleared = list(groups)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        if reverse:
            return
        action, pk_set = "post_remove", set(getattr(instance, "_audits_cleared", []))
    if reverse:
        # group.user_set.add(...): instance is the group, pk_set the users.
        departments = _department_groups([instance.pk])
        users = list(User.objects.filter(pk__in=pk_set or ()))
        pairs = [(user, departments) for user in users]
    else:
        pairs = [(instance, _department_groups(pk_set))]
    for user, departments in pairs:
        if departments:
            # Decided after the change commits, on the committed membership: a move (removed
            # from one department, added to another) is then one review.
            transaction.on_commit(partial(_review_change, user, action, departments))


def _review_change(user, action, departments):
    names = "、".join(d.name for d in departments)
    if action == "post_remove":
        _open_or_merge(
            user,
            AccountReview.Kind.LEFT,
            departments[0],
            f"{display_name(user)}调出{names}：收回原部门的系统权限、共享目录和邮件组。",
        )
        return
    others = Department.objects.filter(group__user=user).exclude(pk__in=[d.pk for d in departments])
    existing = _open_today(user)
    if existing is None and not others.exists():
        return  # a first department: onboarding, not a staff change
    _open_or_merge(
        user,
        AccountReview.Kind.JOINED,
        departments[0],
        f"{display_name(user)}调入{names}：按新岗位开通权限并核对原有权限。",
        existing,
    )


def connect():
    User = get_user_model()
    pre_save.connect(_remember_active, sender=User, dispatch_uid="audits-remember-active")
    post_save.connect(_deactivated, sender=User, dispatch_uid="audits-deactivated")
    m2m_changed.connect(_membership_changed, sender=User.groups.through, dispatch_uid="audits-groups")
