"""Incident business rules: filing, grading, what is owed to regulators, handling, reports.

Views and the API call these; each runs in one transaction so nothing is half-saved, and every
change that matters to an inspector leaves a timeline entry (the model's history keeps the rest).
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from szmz_security.core.uploads import check_upload
from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import can, grant, may_hold_grants

from .categories import Grade, category_of
from .models import Attachment, CorrectiveAction, Incident, RegulatorReport, ReportingRule, TimelineEntry
from .reports import incident_report_pdf

HANDLE_PERMISSION = "incidents.handle_incident"
CORRECTIVE_ACTION_KIND = "incident.corrective_action"

# 新报告 → 已受理 → 处置中 → 已恢复 → 已结案; 误报 from any open state.
TRANSITIONS = {
    Incident.State.NEW: (Incident.State.ACCEPTED, Incident.State.FALSE_ALARM),
    Incident.State.ACCEPTED: (Incident.State.HANDLING, Incident.State.FALSE_ALARM),
    Incident.State.HANDLING: (Incident.State.RECOVERED, Incident.State.FALSE_ALARM),
    Incident.State.RECOVERED: (Incident.State.CLOSED, Incident.State.HANDLING, Incident.State.FALSE_ALARM),
}

# Edits to these fields may change what the incident owes, so they trigger a recompute.
RULE_FIELDS = (
    "category",
    "secret_leak",
    "personal_info_involved",
    "personal_info_count",
    "crime_suspected",
    "suggested_grade",
    "grade",
    "affects_critical_infrastructure",
    "discovered_at",
    "handling_ended_at",
)


def may_grade_on_filing(user):
    """Only officers grade an incident as they file it; anyone else suggests a grade."""
    return user.has_perm(HANDLE_PERMISSION)


def can_handle(user, incident, *, visible=False):
    """Officers (global permission) or a person granted this incident may grade and handle it.
    ``visible``: the caller has just read the incident through the access rule."""
    if not visible and not can(user, "view", incident):
        return False
    if user.has_perm(HANDLE_PERMISSION):
        return True
    # guardian's per-record check is a query; a user who holds no handling grant on any incident
    # (the request's grants, read once) cannot hold one on this one.
    return may_hold_grants(user, Incident, "handle") and user.has_perm(HANDLE_PERMISSION, incident)


def can_contribute(user, incident, *, handler=None):
    """Who may add a timeline note or evidence: handlers, the reporter, the owners of its
    corrective actions, and those who may change the record (its department head). Read-only
    roles (inspectors, leadership) may not. ``handler``: ``can_handle`` already worked out by a
    caller that read the incident through the access rule."""
    if handler is None:
        if not can(user, "view", incident):
            return False
        handler = can_handle(user, incident, visible=True)
    return (
        incident.reported_by_id == user.pk
        or handler
        or can(user, "change", incident)
        or incident.corrective_actions.filter(owner=user).exists()
    )


def _require_handler(user, incident):
    if not can_handle(user, incident):
        raise PermissionDenied("只有安全员或获授权的处置人员可以执行此操作。")


def note(incident, kind, text, user=None, at=None):
    return TimelineEntry.objects.create(
        incident=incident, kind=kind, text=text, user=user, at=at or timezone.now()
    )


def obligations_of(incident):
    return Obligation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Incident), subject_id=incident.pk
    ).order_by("due_at", "pk")


# --- what is owed ---------------------------------------------------------------------------------


def recompute_obligations(incident, *, by, reason):
    """Bring the incident's report obligations in line with the rules.

    New obligations appear for rules that now apply; an open one whose rule no longer applies is
    never deleted but marked 不再需要 with who and why; an open one whose deadline moved (e.g. the
    discovery time was corrected) gets the new deadline. Returns (created, waived, moved)."""
    rules = list(ReportingRule.objects.filter(active=True))
    existing = {}
    # In creation order: the latest obligation per rule speaks for it (a waived one may be followed
    # by a new one, whose deadline can fall before the waived one's after a corrected discovery time).
    for obligation in obligations_of(incident).filter(kind__in=[rule.kind for rule in rules]).order_by("pk"):
        existing[obligation.kind] = obligation
    created, waived, moved = [], [], []
    for rule in rules:
        current = existing.pop(rule.kind, None)
        applies = rule.applies_to(incident)
        if applies and (current is None or current.state == Obligation.State.WAIVED):
            obligation = obligations.create_obligation(
                title=f"向{rule.authority}报告：{incident.title}",
                kind=rule.kind,
                clause=rule.clause,
                authority=rule.authority,
                due_at=rule.due_at(incident),
                department=incident.department,
                subject=incident,
                restricted=incident.restricted,
                notify_roles=rule.notify_roles,
                escalate_roles=rule.escalate_roles,
            )
            created.append(obligation)
            late = "，已逾期" if obligation.due_at <= timezone.now() else ""
            note(
                incident,
                TimelineEntry.Kind.OBLIGATION,
                f"须{rule.name}，截止 {timezone.localtime(obligation.due_at):%Y-%m-%d %H:%M}{late}（{reason}）",
                by,
            )
        elif applies and current.is_open and current.due_at != rule.due_at(incident):
            old_due = current.due_at
            obligations.reschedule(current, due_at=rule.due_at(incident), reason=reason)
            moved.append(current)
            note(
                incident,
                TimelineEntry.Kind.OBLIGATION,
                f"{rule.name}截止时间由 {timezone.localtime(old_due):%Y-%m-%d %H:%M} 调整为 "
                f"{timezone.localtime(current.due_at):%Y-%m-%d %H:%M}（{reason}）",
                by,
            )
        elif not applies and current is not None and current.is_open:
            obligations.waive(current, by=by, reason=f"{reason}：不再需要{rule.name}")
            waived.append(current)
            note(incident, TimelineEntry.Kind.OBLIGATION, f"不再需要{rule.name}（{reason}）", by)
    # Obligations of rules since deactivated or deleted stay as they are: an administrator's rule
    # change does not silently cancel a report already owed.
    return created, waived, moved


# --- filing and editing ---------------------------------------------------------------------------


def validate_incident(incident):
    errors = {}
    now = timezone.now()
    if incident.discovered_at and incident.discovered_at > now:
        errors["discovered_at"] = "发现时间不能晚于当前时间。"
    if incident.occurred_at and incident.discovered_at and incident.occurred_at > incident.discovered_at:
        errors["occurred_at"] = "发生时间不能晚于发现时间。"
    if incident.subcategory and category_of(incident.subcategory) != incident.category:
        errors["subcategory"] = "事件子类与事件类型不一致。"
    if incident.personal_info_count and not incident.personal_info_involved:
        errors["personal_info_involved"] = "填写了涉及人数时，请勾选“涉及个人信息”。"
    if incident.network_disconnected and not incident.disconnected_at:
        errors["disconnected_at"] = "已断网时请填写断网时间。"
    if incident.disconnected_at and incident.disconnected_at > now:
        errors["disconnected_at"] = "断网时间不能晚于当前时间。"
    if incident.grade is not None and incident.grade < incident.minimum_grade:
        errors["grade"] = (
            f"涉及个人信息 {incident.personal_info_count:,} 人，等级不得低于"
            f"“{Grade(incident.minimum_grade).label}”。"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def file_incident(incident, *, by=None):
    """Save a new report, let its reporter keep sight of it, and start the clocks it owes.

    Works with the broker down: the reminders are rows the next sweep sends."""
    by = by or incident.reported_by
    validate_incident(incident)
    incident.save()
    # The reporter always keeps sight of their own report, restricted or not (need-to-know).
    grant("view", incident.reported_by, incident)
    note(incident, TimelineEntry.Kind.FILED, f"{incident.department}报告事件", by, at=incident.created_at)
    if incident.grade:
        note(incident, TimelineEntry.Kind.GRADE, f"报告时定级为“{Grade(incident.grade).label}”", by)
    recompute_obligations(incident, by=by, reason="事件报告")
    return incident


@transaction.atomic
def update_incident(incident, *, by, changed_fields, reason=None):
    """Save an edited incident (browser form and API alike); re-classifying recomputes what it owes.

    What an incident owes is the handlers' call: a department head may correct the description,
    not waive a report by unticking a box."""
    if reason:
        incident._change_reason = reason
    owed = [name for name in changed_fields if name in RULE_FIELDS]
    if owed and not can_handle(by, incident):
        labels = "、".join(str(Incident._meta.get_field(name).verbose_name) for name in owed)
        raise PermissionDenied(f"只有安全员或获授权的处置人员可以修改：{labels}。")
    validate_incident(incident)
    if "grade" in changed_fields:
        old_grade = Incident.objects.values_list("grade", flat=True).get(pk=incident.pk)
        old_label = Grade(old_grade).label if old_grade else "未定级"
        new_label = Grade(incident.grade).label if incident.grade else "未定级"
        note(incident, TimelineEntry.Kind.GRADE, f"等级由“{old_label}”改为“{new_label}”", by)
    incident.save()
    # What it owes follows the incident: a leak noticed later makes them need-to-know too, a move
    # to another department takes them along (who sees them, whose head is reminded).
    for obligation in obligations_of(incident).exclude(
        restricted=incident.restricted, department_id=incident.department_id
    ):
        obligation.restricted = incident.restricted
        obligation.department_id = incident.department_id
        obligation._change_reason = "随事件调整知悉范围与所属部门"
        obligation.save(update_fields=["restricted", "department"])
    if set(changed_fields) & set(RULE_FIELDS):
        labels = "、".join(str(Incident._meta.get_field(name).verbose_name) for name in changed_fields)
        note(incident, TimelineEntry.Kind.NOTE, f"修改了：{labels}", by)
        recompute_obligations(incident, by=by, reason="事件信息修改")
    return incident


def is_deletable(incident):
    return (
        incident.state == Incident.State.NEW
        and not obligations_of(incident).exists()
        and not incident.reports.exists()
    )


@transaction.atomic
def delete_incident(incident, *, by):
    """Only a report filed by mistake (still 新报告, owing nothing yet) may be deleted; anything
    that owes or owed a report is kept and marked 误报 instead — no obligation vanishes."""
    if not can(by, "delete", incident):
        raise PermissionDenied
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not is_deletable(incident):
        raise ValidationError("该事件已产生报告义务或已受理，不能删除；如为误报，请由安全员标记为“误报”。")
    incident.delete()


@transaction.atomic
def set_grade(incident, grade, *, by, reason=""):
    _require_handler(by, incident)
    grade = Grade(int(grade))
    old = incident.grade
    incident.grade = grade
    validate_incident(incident)
    incident._change_reason = reason or "定级"
    incident.save()
    old_label = Grade(old).label if old else "未定级"
    note(
        incident,
        TimelineEntry.Kind.GRADE,
        f"等级由“{old_label}”定为“{grade.label}”" + (f"：{reason}" if reason else ""),
        by,
    )
    recompute_obligations(incident, by=by, reason=f"定级为{grade.label}")
    return incident


# --- handling -------------------------------------------------------------------------------------


@transaction.atomic
def transition(incident, to_state, *, by, reason="", root_cause=None, lessons_learned=None):
    _require_handler(by, incident)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    to_state = Incident.State(to_state)
    if to_state not in TRANSITIONS.get(incident.state, ()):
        raise ValidationError(f"事件当前为“{incident.get_state_display()}”，不能变更为“{to_state.label}”。")
    now = timezone.now()
    if to_state == Incident.State.FALSE_ALARM:
        if not reason.strip():
            raise ValidationError({"reason": "标记为误报须说明原因。"})
        incident.false_alarm_reason = reason.strip()
    if to_state == Incident.State.RECOVERED:
        incident.handling_ended_at = now
    if to_state == Incident.State.HANDLING and incident.state == Incident.State.RECOVERED:
        incident.handling_ended_at = None
    if to_state == Incident.State.CLOSED:
        if root_cause is not None:
            incident.root_cause = root_cause.strip()
        if lessons_learned is not None:
            incident.lessons_learned = lessons_learned.strip()
        errors = {}
        if not incident.root_cause:
            errors["root_cause"] = "结案须填写根本原因。"
        if not incident.lessons_learned:
            errors["lessons_learned"] = "结案须填写经验教训。"
        if not incident.corrective_actions.exists():
            errors["__all__"] = "结案前须至少登记一项整改措施（责任人与完成期限）。"
        if errors:
            raise ValidationError(errors)
        incident.closed_at = now
    old_label = incident.get_state_display()
    incident.state = to_state
    incident._change_reason = f"{old_label} → {to_state.label}"
    incident.save()
    note(
        incident,
        TimelineEntry.Kind.STATE,
        f"{old_label} → {to_state.label}" + (f"：{reason}" if reason else ""),
        by,
    )
    if to_state == Incident.State.FALSE_ALARM:
        for obligation in obligations_of(incident).filter(state=Obligation.State.OPEN):
            obligations.waive(obligation, by=by, reason=f"误报：{incident.false_alarm_reason}")
            note(incident, TimelineEntry.Kind.OBLIGATION, f"不再需要：{obligation.title}（误报）", by)
    else:
        recompute_obligations(incident, by=by, reason=to_state.label)
    return incident


@transaction.atomic
def add_corrective_action(incident, *, description, owner, due_at, by):
    _require_handler(by, incident)
    if not description.strip():
        raise ValidationError({"description": "请填写整改措施。"})
    if due_at <= timezone.now():
        raise ValidationError({"due_at": "完成期限应晚于当前时间。"})
    obligation = obligations.create_obligation(
        title=f"整改：{description.strip()}",
        kind=CORRECTIVE_ACTION_KIND,
        clause="市民政局制度 第三章（事件处置与整改）",
        due_at=due_at,
        department=incident.department,
        subject=incident,
        assignee=owner,
        restricted=incident.restricted,
        notify_roles=(),
        escalate_roles=("security_officer",),
    )
    action = CorrectiveAction.objects.create(
        incident=incident, description=description.strip(), owner=owner, due_at=due_at, obligation=obligation
    )
    # The owner must be able to open what they are asked to fix.
    grant("view", owner, incident)
    note(
        incident,
        TimelineEntry.Kind.ACTION,
        f"整改措施：{action.description}（责任人 {owner.get_username()}，期限 {timezone.localtime(due_at):%Y-%m-%d}）",
        by,
    )
    return action


@transaction.atomic
def record_report(
    incident,
    obligation,
    *,
    by,
    sent_at,
    channel,
    receiving_body,
    receiver="",
    reference_number="",
    document=None,
    note_text="",
):
    """Record a report sent to a regulator. It meets the obligation — late when after the
    deadline, and shown so. Without an uploaded document the generated report PDF is kept."""
    _require_handler(by, incident)
    if (
        obligation.subject_id != incident.pk
        or not obligation.kind.startswith("incident.")
        or obligation.kind == CORRECTIVE_ACTION_KIND  # met by doing it, not by a report
    ):
        raise ValidationError({"obligation": "该报告义务不属于本事件。"})
    if not obligation.is_open:
        raise ValidationError({"obligation": "该报告义务已关闭。"})
    if sent_at > timezone.now():
        raise ValidationError({"sent_at": "报送时间不能晚于当前时间。"})
    if sent_at < incident.discovered_at:
        raise ValidationError({"sent_at": "报送时间不能早于发现时间。"})
    if document is None:
        document = ContentFile(
            incident_report_pdf(incident, obligation), name=f"incident-{incident.pk}-report.pdf"
        )
    report = RegulatorReport.objects.create(
        incident=incident,
        obligation=obligation,
        sent_at=sent_at,
        sent_by=by,
        channel=channel,
        receiving_body=receiving_body,
        receiver=receiver,
        reference_number=reference_number,
        document=document,
        note=note_text,
    )
    evidence = f"已于 {timezone.localtime(sent_at):%Y-%m-%d %H:%M} 通过{report.get_channel_display()}报送{receiving_body}"
    if reference_number:
        evidence += f"，回执编号 {reference_number}"
    obligations.meet(obligation, by=by, evidence=evidence, at=sent_at)
    late = "（逾期报送）" if report.late else ""
    note(incident, TimelineEntry.Kind.REPORT, evidence + late, by)
    return report


# --- evidence -------------------------------------------------------------------------------------


def validate_attachment(uploaded):
    limit = settings.INCIDENT_ATTACHMENT_MAX_MB * 1024 * 1024
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in settings.INCIDENT_ATTACHMENT_TYPES:
        allowed = "、".join(sorted(settings.INCIDENT_ATTACHMENT_TYPES))
        raise ValidationError({"file": f"不支持的文件类型“{suffix or '无扩展名'}”。允许：{allowed}。"})
    if uploaded.size > limit:
        raise ValidationError(
            {
                "file": f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），上限 {settings.INCIDENT_ATTACHMENT_MAX_MB} MB。"
            }
        )
    if uploaded.size == 0:
        raise ValidationError({"file": "文件为空。"})
    try:
        check_upload(uploaded, settings.INCIDENT_ATTACHMENT_TYPES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


@transaction.atomic
def report_incident(incident, *, by, evidence=(), stored=None):
    """The report form: the incident filed with its evidence, all or nothing (``stored``
    collects the names of the files written, for their removal if the request fails)."""
    file_incident(incident, by=by)
    add_evidence(incident, evidence, by=by, stored=stored)
    return incident


@transaction.atomic
def edit_incident(incident, *, by, changed_fields, evidence=(), stored=None):
    """The edit form: the changes and any further evidence, all or nothing."""
    update_incident(incident, by=by, changed_fields=changed_fields, reason="编辑事件信息")
    add_evidence(incident, evidence, by=by, stored=stored)
    return incident


@transaction.atomic
def add_evidence(incident, files, *, by, stored=None, description=""):
    attachments = []
    for uploaded in files:
        attachment = add_attachment(incident, uploaded, by=by, description=description)
        if stored is not None:
            stored.append(attachment.file.name)
        attachments.append(attachment)
    return attachments


@transaction.atomic
def add_attachment(incident, uploaded, *, by, description=""):
    if not can_contribute(by, incident):
        raise PermissionDenied("您不能为该事件上传证据。")
    validate_attachment(uploaded)
    attachment = Attachment.objects.create(
        incident=incident,
        file=uploaded,
        original_name=Path(uploaded.name).name[:200],
        size=uploaded.size,
        content_type=mimetypes.guess_type(uploaded.name)[0] or "application/octet-stream",
        description=description,
        uploaded_by=by,
    )
    note(incident, TimelineEntry.Kind.ATTACHMENT, f"上传证据：{attachment.original_name}", by)
    return attachment


def add_note(incident, *, text, by):
    if not text.strip():
        raise ValidationError({"text": "请填写处置记录。"})
    if not can_contribute(by, incident):
        raise PermissionDenied("您不能为该事件添加处置记录。")
    return note(incident, TimelineEntry.Kind.NOTE, text.strip(), by)
