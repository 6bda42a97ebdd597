"""What the audits sub-domains share: dates, the owning department, the findings' rules (a quarterly
review's and an external assessment's), report uploads, form fields and the checked edit view."""

import datetime
import logging
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone

from szmz_security.core.uploads import check_upload
from szmz_security.obligations import services as obligations
from szmz_security.org.access import can
from szmz_security.org.models import Department, display_name

from .reviews.models import Finding

logger = logging.getLogger(__name__)


def end_of_day(day):
    """The last second of a local calendar day, aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def review_department():
    """The department owning reviews and governance records (AUDITS_REVIEW_DEPARTMENT)."""
    code = settings.AUDITS_REVIEW_DEPARTMENT
    department = Department.objects.filter(code=code).first()
    if department is None:
        logger.warning("audits: department %r not found; no quarterly review obligations", code)
    return department


def require_change(user, obj, message="您没有权限修改该记录。"):
    if not can(user, "change", obj):
        raise PermissionDenied(message)


def validate_report(uploaded, field="report"):
    if not uploaded:
        return
    limit = settings.AUDITS_REPORT_MAX_MB * 1024 * 1024
    if Path(uploaded.name).suffix.lower() != ".pdf":
        raise ValidationError({field: "测评报告须为 PDF 文件。"})
    if uploaded.size > limit:
        raise ValidationError(
            {
                field: f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），上限 {settings.AUDITS_REPORT_MAX_MB} MB。"
            }
        )
    if uploaded.size == 0:
        raise ValidationError({field: "文件为空。"})
    try:
        check_upload(uploaded, {".pdf"})
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def validate_finding(title, severity, department, owner, due_at):
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写发现的问题。"
    if severity not in Finding.Severity.values:
        errors["severity"] = "请选择严重程度。"
    if department is None:
        errors["department"] = "请选择责任部门。"
    if owner is None:
        errors["owner"] = "请选择责任人。"
    if due_at is None:
        errors["due_at"] = "请填写完成期限。"
    elif due_at <= timezone.now():
        errors["due_at"] = "完成期限应晚于当前时间。"
    if errors:
        raise ValidationError(errors)


def create_finding(*, kind, clause, reason, title, measures, **fields):
    """A finding (or improvement item) and its remediation obligation, assigned to its owner."""
    finding = Finding.objects.create(title=title.strip(), measures=(measures or "").strip(), **fields)
    finding.obligation = obligations.create_obligation(
        title=f"整改：{finding.title}",
        kind=kind,
        clause=clause,
        due_at=finding.due_at,
        department=finding.department,
        subject=finding,
        assignee=finding.owner,
        notify_roles=(),
        escalate_roles=("security_officer",),
    )
    finding._change_reason = reason
    finding.save(update_fields=["obligation"])
    return finding


# --- forms ---------------------------------------------------------------------------------------


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


def active_people():
    return get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")


# --- views ---------------------------------------------------------------------------------------


def stored_file(file_field, filename):
    """An uploaded report as a download (not a generated PDF: the file as it was stored)."""
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=filename)
