"""Publishing rules (regulation chapter 10): the approval chain of a publication (10 §1), the
public message board (10 §2) and the monthly report of held harmful content (10 §4).

Views, the API and the tests call these functions; nothing else changes a publication's state.
A decision in the wrong state is a ``ValidationError`` (400), by the wrong person a
``PermissionDenied`` (403), both with a Chinese message.
"""

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import create_obligation, meet
from szmz_security.org.access import MANAGE_DEPARTMENT_PERMISSION
from szmz_security.org.access import creatable_departments as access_creatable_departments
from szmz_security.org.models import Department

from .models import ApprovalStep, BoardMessage, HarmfulContentReport, Publication, PublicationAttachment

logger = logging.getLogger(__name__)

State = Publication.State
Action = ApprovalStep.Action

REVIEW_PERMISSION = "publishing.review_publication"
MAJOR_PERMISSION = "publishing.approve_major_publication"
PUBLISH_PERMISSION = "publishing.publish_publication"
OVERRIDE_PERMISSION = "publishing.override_filter"

EDITABLE_STATES = (State.DRAFT, State.RETURNED)
REVIEW_STATES = (State.HEAD_REVIEW, State.INFO_REVIEW, State.LEADER_REVIEW, State.READY)

REPORT_KIND = "publishing.harmful_content_report"
REPORT_CLAUSE = "市民政局制度 第十章第4条"


# --- the sensitive-word filter (publishing/wordfilter.py, built alongside) ------------------------


def _wordfilter():
    from . import wordfilter

    return wordfilter


def hit_dict(hit, field=None):
    data = {
        "word": hit.word,
        "category": hit.category,
        "level": hit.level,
        "start": hit.start,
        "end": hit.end,
    }
    if field:
        data["field"] = field
    return data


def scan(text, field=None):
    """The filter's hits in ``text`` as dicts (JSON-storable, positions in the original text)."""
    return [hit_dict(hit, field) for hit in _wordfilter().check(text or "")]


def scan_publication(publication):
    return scan(publication.title, "title") + scan(publication.body, "body")


def blocking_hits(hits):
    return [hit for hit in hits if hit["level"] == "block"]


def review_hits(hits):
    return [hit for hit in hits if hit["level"] == "review"]


class FilterBlocked(ValidationError):
    """A blocking hit: the text must be changed. ``hits`` says where."""

    def __init__(self, message, hits):
        super().__init__({"body": [message]})
        self.hits = hits


def words_of(hits):
    return "、".join(dict.fromkeys(f"“{hit['word']}”" for hit in hits))


def highlight(text, hits):
    """``text`` escaped, with each hit's span wrapped in ``<mark>`` (overlaps merged), line
    breaks kept."""
    text = text or ""
    spans = sorted(
        (max(0, hit["start"]), min(len(text), hit["end"]), hit["level"], hit.get("category", ""))
        for hit in hits
        if hit["end"] > hit["start"]
    )
    merged = []
    for start, end, level, category in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (
                last[0],
                max(last[1], end),
                "block" if "block" in (last[2], level) else level,
                last[3],
            )
        else:
            merged.append((start, end, level, category))

    def piece(value):
        return escape(value).replace("\n", "<br>")

    parts, position = [], 0
    for start, end, level, category in merged:
        parts.append(piece(text[position:start]))
        parts.append(
            f'<mark class="filter-hit filter-{escape(level)}" data-level="{escape(level)}" '
            f'title="{escape(category)}">{piece(text[start:end])}</mark>'
        )
        position = end
    parts.append(piece(text[position:]))
    return mark_safe("".join(parts))  # nosec B308 B703 # every piece of user text is escaped above


# --- who may do what -----------------------------------------------------------------------------


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


def create_publication(publication, *, by, files=()):
    if not creatable_departments(by).filter(pk=publication.department_id).exists():
        raise PermissionDenied("您只能为本部门起草信息。")
    publication.author = by
    publication.state = State.DRAFT
    _save(publication, "起草", by)
    for uploaded in files:
        add_attachment(publication, uploaded, by=by)
    return publication


def update_publication(publication, *, by, files=()):
    stored = Publication.objects.get(pk=publication.pk)
    check_editable(by, stored)
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


# --- the public message board --------------------------------------------------------------------


def rate_limited(ip_address):
    """At most PUBLISHING_BOARD_RATE messages per address per minute (counted in the cache)."""
    limit = getattr(settings, "PUBLISHING_BOARD_RATE", 3)
    key = f"publishing:board:{ip_address or 'unknown'}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)
        count = 1
    return count > limit


def submit_message(*, name, contact, text, ip_address=None):
    """Filter a message before display: blocking → held (never shown), review → waits for an
    information officer, clean → shown. The rate limit is the public board's (per client address);
    messages entered without one (demo data, imports) are not counted."""
    if ip_address is not None and rate_limited(ip_address):
        raise ValidationError("您提交得太频繁了，请一分钟后再试。")
    # The name is shown publicly too: it is filtered as well (its hits carry field "name").
    hits = scan(text) + scan(name, "name")
    if blocking_hits(hits):
        status = BoardMessage.Status.HELD
    elif review_hits(hits):
        status = BoardMessage.Status.REVIEW
    else:
        status = BoardMessage.Status.SHOWN
    message = BoardMessage(
        name=name.strip(),
        contact=contact.strip(),
        text=text,
        ip_address=ip_address,
        status=status,
        filter_hits=hits,
    )
    message._change_reason = f"公众留言：{message.get_status_display()}"
    message.save()
    return message


def review_message(message, *, by, show):
    """An information officer's decision on a message waiting for review (recorded in history)."""
    if not by.has_perm("publishing.change_boardmessage"):
        raise PermissionDenied("只有信息员可以审核留言。")
    updated = BoardMessage.objects.filter(pk=message.pk, status=BoardMessage.Status.REVIEW).update(
        status=BoardMessage.Status.SHOWN if show else BoardMessage.Status.HELD
    )
    if updated != 1:
        raise ValidationError("该留言不在待审核状态（可能已被他人处理）。")
    message.refresh_from_db()
    message.reviewed_by = by
    message.reviewed_at = timezone.now()
    message._change_reason = "审核通过，予以显示" if show else "审核不通过，予以拦截"
    message._history_user = by
    message.save()
    return message


# --- the monthly report of held harmful content (10 §4) ------------------------------------------


def month_start(day):
    return day.replace(day=1)


def previous_month(day):
    return month_start(month_start(day) - timedelta(days=1))


def next_month(month):
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_bounds(month):
    """[start, end) of a month in local time, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(month, time.min), tz)
    end = timezone.make_aware(datetime.combine(next_month(month), time.min), tz)
    return start, end


def report_due_at(month):
    """The 10th of the following month, end of day (local time)."""
    due_day = next_month(month).replace(day=10)
    return timezone.make_aware(datetime.combine(due_day, time(23, 59, 59)), timezone.get_current_timezone())


def report_department():
    code = getattr(settings, "PUBLISHING_REPORT_DEPARTMENT", "XXZX")
    return Department.objects.filter(code=code).first()


@transaction.atomic
def ensure_report_obligation(month=None):
    """The report for ``month`` (default: last month) and its obligation, created once."""
    month = month_start(month) if month else previous_month(timezone.localdate())
    department = report_department()
    if department is None:
        logger.warning(
            "publishing: department %r not found, no harmful-content report obligation for %s",
            getattr(settings, "PUBLISHING_REPORT_DEPARTMENT", "XXZX"),
            f"{month:%Y-%m}",
        )
        return None
    report, _ = HarmfulContentReport.objects.select_for_update().get_or_create(month=month)
    if report.obligation_id is None:
        report.obligation = create_obligation(
            title=f"报送{month:%Y年%m月}有害信息月报",
            kind=REPORT_KIND,
            clause=REPORT_CLAUSE,
            authority="公安机关",
            due_at=report_due_at(month),
            department=department,
            subject=report,
            notify_roles=("information_officer",),
        )
        report._change_reason = "创建月报义务"
        report.save()
    return report


def held_messages(month):
    start, end = month_bounds(month)
    return BoardMessage.objects.filter(
        status=BoardMessage.Status.HELD, submitted_at__gte=start, submitted_at__lt=end
    ).order_by("submitted_at", "pk")


def excerpt(text, length=80):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def hits_text(hits):
    return "；".join(
        f"{hit['word']}（{hit.get('category', '')}，{'拦截' if hit['level'] == 'block' else '审核'}）"
        for hit in hits
    )


@dataclass
class ReportData:
    month: date
    messages: list
    generated_at: datetime
    by: object


def report_csv(data):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["编号", "留言时间", "留言人", "联系方式", "IP地址", "内容摘录", "命中敏感词"])
    for message in data.messages:
        writer.writerow(
            [
                message.pk,
                timezone.localtime(message.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
                message.name,
                message.contact,
                message.ip_address or "",
                excerpt(message.text, 200),
                hits_text(message.filter_hits),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def report_pdf(data):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from szmz_security.core.pdf import build_pdf, field_table, local, para, styles

    def story():
        style = styles()
        by_word = {}
        for message in data.messages:
            for hit in message.filter_hits:
                by_word[hit["word"]] = by_word.get(hit["word"], 0) + 1
        top = "、".join(
            f"{word}（{count}）" for word, count in sorted(by_word.items(), key=lambda i: -i[1])[:10]
        )
        elements = [
            Paragraph(f"{data.month:%Y年%m月}公众留言有害信息报告", style["title"]),
            field_table(
                [
                    ("报告单位", "深圳市民政局"),
                    (
                        "统计期间",
                        f"{data.month:%Y-%m-%d} 至 {next_month(data.month) - timedelta(days=1):%Y-%m-%d}",
                    ),
                    ("拦截留言数", f"{len(data.messages)} 条"),
                    ("主要命中词", top or "无"),
                    ("依据", REPORT_CLAUSE),
                    ("生成时间", local(data.generated_at)),
                    ("生成人", getattr(data.by, "get_username", lambda: "系统")()),
                ],
                style,
            ),
            Spacer(1, 4 * mm),
            Paragraph("拦截留言明细", style["h2"]),
        ]
        if not data.messages:
            elements.append(para("本月无被拦截的有害信息。", style["body"]))
            return elements
        rows = [[para(label, style["label"]) for label in ("时间", "留言人", "内容摘录", "命中敏感词")]]
        for message in data.messages:
            rows.append(
                [
                    para(local(message.submitted_at), style["cell"]),
                    para(message.name, style["cell"]),
                    para(excerpt(message.text), style["cell"]),
                    para(hits_text(message.filter_hits), style["cell"]),
                ]
            )
        table = Table(rows, colWidths=[30 * mm, 25 * mm, 70 * mm, 45 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        elements.append(table)
        return elements

    return build_pdf(story, title=f"{data.month:%Y年%m月}有害信息报告")


def generate_report(month, *, by):
    """Build the month's PDF and CSV, store them on the report and meet its obligation (met late
    after the 10th of the following month)."""
    month = month_start(month)
    if month >= month_start(timezone.localdate()):
        raise ValidationError({"month": "只能生成已结束月份的报告。"})
    with transaction.atomic():
        report = ensure_report_obligation(month)
        if report is None:
            report, _ = HarmfulContentReport.objects.get_or_create(month=month)
        report = HarmfulContentReport.objects.select_for_update().get(pk=report.pk)
        now = timezone.now()
        data = ReportData(month=month, messages=list(held_messages(month)), generated_at=now, by=by)
        stamp = f"{month:%Y-%m}"
        report.pdf.save(f"harmful-content-{stamp}.pdf", ContentFile(report_pdf(data)), save=False)
        report.csv.save(f"harmful-content-{stamp}.csv", ContentFile(report_csv(data)), save=False)
        report.message_count = len(data.messages)
        report.generated_at = now
        report.generated_by = by
        report._change_reason = "生成报告"
        report._history_user = by
        report.save()
        obligation = report.obligation
        if obligation is not None and obligation.state == Obligation.State.OPEN:
            meet(
                obligation,
                by=by,
                evidence=f"已生成{month:%Y年%m月}有害信息报告（拦截留言 {len(data.messages)} 条），PDF 与 CSV 已存档。",
                at=now,
            )
    return report
