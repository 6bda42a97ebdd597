"""The approval chain of a publication (regulation 10 §1): who may draft, edit and decide, and
every state change with its step. Views, the API and the tests call these functions; nothing else
changes a publication's state. A decision in the wrong state is a ``ValidationError`` (400), by the
wrong person a ``PermissionDenied`` (403), both with a Chinese message.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from szmz_security.org.access import MANAGE_DEPARTMENT_PERMISSION
from szmz_security.org.access import creatable_departments as access_creatable_departments
from szmz_security.org.models import Department

from ..accounts.services import check_publication_account
from ..wordfilter.scan import FilterBlocked, blocking_hits, review_hits, scan_publication, words_of
from .models import ApprovalStep, Publication, PublicationAttachment

State = Publication.State
Action = ApprovalStep.Action

REVIEW_PERMISSION = "publishing.review_publication"
MAJOR_PERMISSION = "publishing.approve_major_publication"
PUBLISH_PERMISSION = "publishing.publish_publication"
OVERRIDE_PERMISSION = "publishing.override_filter"

EDITABLE_STATES = (State.DRAFT, State.RETURNED)
REVIEW_STATES = (State.HEAD_REVIEW, State.INFO_REVIEW, State.LEADER_REVIEW, State.READY)


def heads_departments(user):
    """The departments ``user`` heads (处室负责人: manage permission and membership)."""
    if not user.is_authenticated or not user.has_perm(MANAGE_DEPARTMENT_PERMISSION):
        return Department.objects.none()
    return Department.objects.of_user(user)


def is_head_of(user, department):
    return heads_departments(user).filter(pk=department.pk).exists()


def creatable_departments(user):
    """The one rule of the access module: own departments with the add permission (工作人员,
    处室负责人), any with the global change permission (信息员)."""
    return access_creatable_departments(user, Publication)


def can_create(user):
    return creatable_departments(user).exists()


def can_edit(user, publication):
    """The author or whoever may change the record under the access rule; drafts only."""
    if publication.state not in EDITABLE_STATES:
        return False
    if publication.author_id == user.pk:
        return True
    return Publication.objects.visible_to(user, "change").filter(pk=publication.pk).exists()


def check_editable(user, publication):
    if publication.state == State.PUBLISHED:
        raise PermissionDenied("已发布的信息不能修改；如需更改，请创建新版本。")
    if publication.state == State.REJECTED:
        raise PermissionDenied("已否决的信息不能修改。")
    if publication.state not in EDITABLE_STATES:
        raise PermissionDenied("审批中的信息不能修改；如需修改，请由审批人退回。")
    if not can_edit(user, publication):
        raise PermissionDenied("只有起草人或本部门负责人可以修改该信息。")


def decider_check(user, publication):
    """Whether ``user`` decides ``publication`` in its current state (None) or why not."""
    state = publication.state
    if state == State.HEAD_REVIEW:
        if not is_head_of(user, publication.department):
            return f"只有{publication.department}的处室负责人可以审批。"
    elif state == State.INFO_REVIEW:
        if not user.has_perm(REVIEW_PERMISSION):
            return "只有信息员可以审核。"
    elif state == State.LEADER_REVIEW:
        if not user.has_perm(MAJOR_PERMISSION):
            return "重大事项只有局领导可以审定。"
    elif state == State.READY:
        if not user.has_perm(PUBLISH_PERMISSION):
            return "只有信息员可以发布。"
    else:
        return "该信息当前不在审批中。"
    if publication.author_id == user.pk:
        return "不能审批本人起草的信息。"
    return None


def can_decide(user, publication):
    return decider_check(user, publication) is None


def can_override(user, publication, hits):
    """Whether ``user`` may let the review-level ``hits`` of ``publication`` pass (放行): an
    information officer, not the author, once, and never over a blocking hit."""
    return (
        publication.state in (State.INFO_REVIEW, State.READY)
        and user.has_perm(OVERRIDE_PERMISSION)
        and publication.author_id != user.pk
        and bool(review_hits(hits))
        and not blocking_hits(hits)
        and not publication.filter_override
    )


def pending_for(user, queryset=None):
    """待我审批: items waiting for ``user``'s decision (never their own)."""
    queryset = Publication.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    condition = Q(state=State.HEAD_REVIEW, department__in=heads_departments(user).values("pk"))
    for permission, state in (
        (REVIEW_PERMISSION, State.INFO_REVIEW),
        (MAJOR_PERMISSION, State.LEADER_REVIEW),
        (PUBLISH_PERMISSION, State.READY),
    ):
        if user.has_perm(permission):
            condition |= Q(state=state)
    return queryset.filter(condition).exclude(author=user)


# --- the chain -----------------------------------------------------------------------------------


def _step(publication, *, user, action, from_state, comment, hits=None):
    return ApprovalStep.objects.create(
        publication=publication,
        from_state=from_state,
        to_state=publication.state,
        action=action,
        comment=comment,
        user=user,
        filter_hits=hits or [],
    )


def _lock(publication):
    """The row as it is now, locked for the decision (two approvers never both pass it)."""
    return Publication.objects.select_for_update().get(pk=publication.pk)


def _expect(publication, expected_state, wanted):
    if expected_state and publication.state != expected_state:
        raise ValidationError(
            f"该信息当前为“{publication.get_state_display()}”，不能执行“{wanted}”（可能已被他人处理，请刷新页面）。"
        )


def _save(publication, reason, user):
    publication._change_reason = reason
    publication._history_user = user
    publication.save()


@transaction.atomic
def create_publication(publication, *, by, files=()):
    if not creatable_departments(by).filter(pk=publication.department_id).exists():
        raise PermissionDenied("您只能为本部门起草信息。")
    check_publication_account(publication)
    publication.author = by
    publication.state = State.DRAFT
    _save(publication, "起草", by)
    for uploaded in files:
        add_attachment(publication, uploaded, by=by)
    return publication


@transaction.atomic
def update_publication(publication, *, by, files=()):
    stored = Publication.objects.get(pk=publication.pk)
    check_editable(by, stored)
    check_publication_account(publication)
    _save(publication, "修改草稿", by)
    for uploaded in files:
        add_attachment(publication, uploaded, by=by)
    return publication


def add_attachment(publication, uploaded, *, by):
    return PublicationAttachment.objects.create(
        publication=publication,
        file=uploaded,
        original_name=uploaded.name[:200],
        size=uploaded.size,
        uploaded_by=by,
    )


@transaction.atomic
def submit(publication, *, by, comment=""):
    """草稿/退回修改 → 处室负责人审批, after the filter: a blocking hit keeps it a draft."""
    publication = _lock(publication)
    if publication.state not in EDITABLE_STATES:
        raise ValidationError(f"该信息当前为“{publication.get_state_display()}”，不能提交。")
    if not can_edit(by, publication):
        raise PermissionDenied("只有起草人或本部门负责人可以提交该信息。")
    hits = scan_publication(publication)
    blocked = blocking_hits(hits)
    if blocked:
        raise FilterBlocked(f"正文含有禁止发布的敏感词 {words_of(blocked)}，请修改后再提交。", hits)
    from_state = publication.state
    publication.state = State.HEAD_REVIEW
    publication.submitted_at = timezone.now()
    # A new pass through the chain: an earlier override covered an earlier text.
    publication.filter_override = False
    _save(publication, "提交审批", by)
    _step(
        publication,
        user=by,
        action=Action.SUBMIT,
        from_state=from_state,
        comment=comment or "提交审批",
        hits=hits,
    )
    return publication


def _require_decider(user, publication):
    if publication.state not in REVIEW_STATES:
        raise ValidationError(f"该信息当前为“{publication.get_state_display()}”，不在审批中。")
    reason = decider_check(user, publication)
    if reason:
        raise PermissionDenied(reason)


def _require_new_approver(user, publication):
    """One person, one approval per pass: whoever approved an earlier stage of this pass (e.g. an
    information officer whose role also holds the leadership permission) cannot approve the next
    one, or a stage would in effect be skipped."""
    last_submit = publication.steps.filter(action=Action.SUBMIT).order_by("-at", "-pk").first()
    approvals = publication.steps.filter(action=Action.APPROVE, user=user)
    if last_submit is not None:
        approvals = approvals.filter(pk__gt=last_submit.pk)
    if approvals.exists():
        raise PermissionDenied("您已审批过本轮的上一环节，下一环节须由他人审批。")


def _require_override(publication, hits):
    pending = review_hits(hits)
    if pending and not publication.filter_override:
        raise ValidationError(
            f"正文含有需人工审核的敏感词 {words_of(pending)}，须由信息员确认放行（填写意见）后才能继续。"
        )


@transaction.atomic
def approve(publication, *, by, comment="", expected_state=None):
    """同意 in the current stage: the next stage, never skipping one."""
    publication = _lock(publication)
    _expect(publication, expected_state, "同意")
    if publication.state == State.READY:
        raise ValidationError("待发布的信息请使用“发布”。")
    _require_decider(by, publication)
    _require_new_approver(by, publication)
    from_state = publication.state
    hits = []
    if from_state == State.INFO_REVIEW:
        hits = scan_publication(publication)
        if blocking_hits(hits):
            raise FilterBlocked(
                f"正文含有禁止发布的敏感词 {words_of(blocking_hits(hits))}，请退回修改。", hits
            )
        _require_override(publication, hits)
        publication.state = State.LEADER_REVIEW if publication.is_major else State.READY
    elif from_state == State.HEAD_REVIEW:
        publication.state = State.INFO_REVIEW
    else:  # LEADER_REVIEW
        publication.state = State.READY
    _save(publication, f"{State(from_state).label}：同意", by)
    _step(
        publication,
        user=by,
        action=Action.APPROVE,
        from_state=from_state,
        comment=comment or "同意",
        hits=hits,
    )
    return publication


def _turn_back(publication, *, by, comment, expected_state, to_state, action, label):
    """退回修改 and 否决: the same decider, and a comment is required."""
    publication = _lock(publication)
    _expect(publication, expected_state, label)
    _require_decider(by, publication)
    if not (comment or "").strip():
        raise ValidationError({"comment": f"{label}须填写意见。"})
    from_state = publication.state
    publication.state = to_state
    _save(publication, f"{State(from_state).label}：{label}", by)
    _step(publication, user=by, action=action, from_state=from_state, comment=comment.strip())
    return publication


@transaction.atomic
def return_for_changes(publication, *, by, comment, expected_state=None):
    return _turn_back(
        publication,
        by=by,
        comment=comment,
        expected_state=expected_state,
        to_state=State.RETURNED,
        action=Action.RETURN,
        label="退回修改",
    )


@transaction.atomic
def reject(publication, *, by, comment, expected_state=None):
    return _turn_back(
        publication,
        by=by,
        comment=comment,
        expected_state=expected_state,
        to_state=State.REJECTED,
        action=Action.REJECT,
        label="否决",
    )


@transaction.atomic
def override_filter(publication, *, by, comment):
    """The information officer's explicit acceptance of the review-level hits in this text."""
    publication = _lock(publication)
    if publication.state not in (State.INFO_REVIEW, State.READY):
        raise ValidationError("只有在信息员审核或待发布阶段才能放行审核级敏感词。")
    if not by.has_perm(OVERRIDE_PERMISSION):
        raise PermissionDenied("只有信息员可以放行审核级敏感词。")
    if publication.author_id == by.pk:
        raise PermissionDenied("不能放行本人起草的信息。")
    if not (comment or "").strip():
        raise ValidationError({"comment": "放行须填写意见（说明为何可以发布）。"})
    hits = scan_publication(publication)
    if blocking_hits(hits):
        raise FilterBlocked("正文含有禁止发布的敏感词，不能放行，请退回修改。", hits)
    if not review_hits(hits):
        raise ValidationError("正文没有需人工审核的敏感词，无需放行。")
    if publication.filter_override:
        raise ValidationError("已放行，无需重复操作。")
    publication.filter_override = True
    _save(publication, "放行审核级敏感词", by)
    _step(
        publication,
        user=by,
        action=Action.OVERRIDE,
        from_state=publication.state,
        comment=comment.strip(),
        hits=review_hits(hits),
    )
    return publication


@transaction.atomic
def publish(publication, *, by, comment="", expected_state=None):
    """待发布 → 已发布, after the filter runs once more."""
    publication = _lock(publication)
    _expect(publication, expected_state, "发布")
    if publication.state != State.READY:
        raise ValidationError(f"该信息当前为“{publication.get_state_display()}”，审批未完成，不能发布。")
    _require_decider(by, publication)
    check_publication_account(publication)  # the account may have been suspended since
    hits = scan_publication(publication)
    if blocking_hits(hits):
        raise FilterBlocked(
            f"发布前复核发现禁止发布的敏感词 {words_of(blocking_hits(hits))}，不能发布，请退回修改。", hits
        )
    _require_override(publication, hits)
    publication.state = State.PUBLISHED
    publication.published_at = timezone.now()
    publication.published_by = by
    _save(publication, "发布", by)
    _step(
        publication,
        user=by,
        action=Action.PUBLISH,
        from_state=State.READY,
        comment=comment or "发布",
        hits=hits,
    )
    return publication


@transaction.atomic
def new_version(publication, *, by):
    """A published item is frozen: a change is a new Publication that starts as a draft."""
    publication = _lock(publication)
    if publication.state != State.PUBLISHED:
        raise ValidationError("只有已发布的信息可以创建新版本。")
    if Publication.objects.filter(previous_version=publication).exists():
        raise ValidationError("该版本已有新版本，请在最新版本上修改。")
    if not creatable_departments(by).filter(pk=publication.department_id).exists():
        raise PermissionDenied("您不能为该部门起草信息。")
    draft = Publication(
        title=publication.title,
        body=publication.body,
        channel=publication.channel,
        account=publication.account,
        is_major=publication.is_major,
        planned_at=None,
        department=publication.department,
        author=by,
        state=State.DRAFT,
        version=publication.version + 1,
        previous_version=publication,
    )
    _save(draft, f"由第 {publication.version} 版创建新版本", by)
    return draft
