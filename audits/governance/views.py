"""Governance screens (chapters 2, 3 §3, 5 §4, 7 §2, 8, 9): the officer roster, the on-call rota,
security scans and their findings, patches, log sources, training, account reviews and privileged
accounts. Lists, edits and history pages are generated from the declarations below."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.generic import TemplateView

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
    ObjectEditView,
    ObjectView,
    visible_object_or_404,
)
from szmz_security.org.models import display_name

from . import filters, forms, services, tables
from .models import (
    AccountReview,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    SecurityScan,
    TrainingSession,
)


class GovernanceEditView(ObjectEditView):
    """Create or correct a record under its rule (``services.save_record``)."""

    def save_form(self, form):
        return services.save_record(form.save(commit=False))


# model, URL prefix, list title, export name, with add/edit pages
DECLARATIONS = (
    (OfficerAppointment, "security-officers", "安全员名册", "security-officers", True),
    (OnCallShift, "on-call", "24小时值班表", "on-call-rota", True),
    (SecurityScan, "security-scans", "安全检测记录", "security-scans", True),
    (PatchRecord, "patches", "补丁升级记录", "patches", True),
    (LogSource, "log-sources", "系统日志来源", "log-sources", True),
    (TrainingSession, "training", "安全培训记录", "training", True),
    (AccountReview, "account-reviews", "账号权限核对", "account-reviews", False),
    (PrivilegedAccount, "privileged-accounts", "特权账号登记", "privileged-accounts", True),
)

DECLARED = {}
for _model, _path, _title, _export, _editable in DECLARATIONS:
    _name = _model.__name__
    _form = getattr(forms, f"{_name}Form", None)
    DECLARED[_model] = register_model(
        _model,
        path=_path,
        table=getattr(tables, f"{_name}Table"),
        filterset=getattr(filters, f"{_name}FilterSet"),
        form=_form,
        actions=("list", "detail", "add", "edit", "history") if _editable else ("list", "detail", "history"),
        title=_title,
        export_filename=_export,
    )
    if _editable:
        _edit = type(f"{_name}EditView", (GovernanceEditView,), {"model": _model, "form_class": _form})
        register_model_view(_model, "add")(_edit)
        register_model_view(_model, "edit")(_edit)


def list_view(model, *related, **annotations):
    """The generated list of ``model``, its rows with ``related`` selected and ``annotations``."""
    base = DECLARED[model].generic_view("list")
    return type(f"{model.__name__}ListView", (base,), {"related": related, "annotations": annotations})


def field_rows(obj, exclude=("id", "password_due_on")):
    """(label, text) for each concrete field of a record, for the detail pages' 基本信息 card."""
    User = get_user_model()
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name.endswith("_ptr"):
            continue
        value = getattr(obj, field.name)
        if field.is_relation:
            text = (
                display_name(value) if isinstance(value, User) else (str(value) if value is not None else "—")
            )
        elif field.choices:
            text = getattr(obj, f"get_{field.name}_display")()
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, datetime.datetime):
            text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, datetime.date):
            text = value.strftime("%Y-%m-%d")
        else:
            text = "—" if value in (None, "") else str(value)
        rows.append((field.verbose_name, text))
    return rows


class GovernanceView(DetailFormsMixin, ObjectView):
    """A record's page: its fields (基本信息) and the forms of its actions."""

    template_name = "audits/governance_object.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_rows"] = field_rows(self.object)
        return context


# --- the security-officer roster (2 §1) ---------------------------------------------------------


@register_model_view(OfficerAppointment, "list")
class OfficerAppointmentListView(list_view(OfficerAppointment, "person__profile", "department")):
    template_name = "audits/officerappointment_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roster"] = services.roster_status()
        return context


@register_model_view(OfficerAppointment, "detail")
class OfficerAppointmentView(GovernanceView):
    model = OfficerAppointment
    related = ("person__profile", "department")


# --- the 24-hour on-call rota (3 §3) ------------------------------------------------------------


@register_model_view(OnCallShift, "list")
class OnCallShiftListView(list_view(OnCallShift, "person__profile", "department")):
    template_name = "audits/oncallshift_list.html"


@register_model_view(OnCallShift, "today", detail=False, url_name="oncall_today")
class OnCallTodayView(LoginRequiredMixin, TemplateView):
    """今日值班: who answers today, and the days of the coming fortnight with nobody on call."""

    template_name = "audits/oncall_today.html"
    days_ahead = 14

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not services.may_view_rota(user):
            raise Http404("无权查看值班表。")
        today = timezone.localdate()
        end = today + datetime.timedelta(days=self.days_ahead - 1)
        return {
            **super().get_context_data(**kwargs),
            "title": "今日值班",
            "today": today,
            "end": end,
            "shifts": list(services.on_call(today) & OnCallShift.objects.visible_to(user)),
            "gaps": services.rota_gaps(today, end),
        }


@register_model_view(OnCallShift, "detail")
class OnCallShiftView(GovernanceView):
    model = OnCallShift
    related = ("person__profile", "department")


# --- security scans and patches (2 §6, 8 §2) ----------------------------------------------------


register_model_view(SecurityScan, "list")(
    list_view(
        SecurityScan,
        "performed_by__profile",
        "department",
        finding_count=Count("findings", distinct=True),
        open_count=Count("findings", filter=Q(findings__fixed_on__isnull=True), distinct=True),
    )
)


@register_model_view(SecurityScan, "detail")
class SecurityScanView(GovernanceView):
    model = SecurityScan
    template_name = "audits/securityscan.html"
    related = ("performed_by__profile", "department")

    def default_forms(self):
        return {"finding_form": forms.ScanFindingForm(), "fix_form": forms.ScanFindingFixForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["findings"] = list(self.object.findings.select_related("owner__profile", "obligation"))
        return context


@register_model_view(SecurityScan, "finding_add", path="findings/add", url_name="scanfinding_add")
class ScanFindingAddView(ObjectActionMixin, SecurityScanView):
    form_class = forms.ScanFindingForm
    form_name = "finding_form"

    def perform(self, form, scan):
        finding = services.add_scan_finding(scan, by=self.request.user, **form.cleaned_data)
        return f"已登记检测发现，整改期限 {finding.fix_due:%Y-%m-%d}（责任人将收到提醒）。"


@register_model_view(
    SecurityScan, "finding_fix", path="findings/<int:finding_pk>/fix", url_name="scanfinding_fix"
)
class ScanFindingFixView(ObjectActionMixin, SecurityScanView):
    form_class = forms.ScanFindingFixForm
    form_name = "fix_form"

    def perform(self, form, scan):
        finding = get_object_or_404(
            scan.findings.select_related("obligation", "scan"), pk=self.kwargs["finding_pk"]
        )
        services.fix_scan_finding(finding, by=self.request.user, **form.cleaned_data)
        return "已记录整改完成。"


register_model_view(PatchRecord, "list")(list_view(PatchRecord, "applied_by__profile", "department"))


@register_model_view(PatchRecord, "detail")
class PatchRecordView(GovernanceView):
    model = PatchRecord
    related = ("applied_by__profile", "department", "asset")


# --- log sources (2 §5, 8 §1) -------------------------------------------------------------------


register_model_view(LogSource, "list")(list_view(LogSource, "verified_by__profile", "department"))


@register_model_view(LogSource, "detail")
class LogSourceView(GovernanceView):
    model = LogSource
    template_name = "audits/logsource.html"
    related = ("verified_by__profile", "department")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["flags"] = services.log_source_flags(self.object)
        return context


@register_model_view(LogSource, "verify")
@login_required
def log_source_verify(request, pk):
    if request.method != "POST":
        raise Http404
    source = visible_object_or_404(LogSource, request.user, pk, "change")
    services.verify_log_source(source, by=request.user)
    messages.success(request, f"已记录核查：{source}")
    return redirect(source)


# --- training (chapter 9) -----------------------------------------------------------------------


register_model_view(TrainingSession, "list")(
    list_view(
        TrainingSession, "department", attended_count=Count("attendance", filter=Q(attendance__attended=True))
    )
)


@register_model_view(TrainingSession, "detail")
class TrainingSessionView(GovernanceView):
    model = TrainingSession
    template_name = "audits/trainingsession.html"
    related = ("department",)

    def default_forms(self):
        return {"attendance_form": forms.AttendanceForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attendance"] = list(self.object.attendance.select_related("user__profile"))
        return context


@register_model_view(TrainingSession, "attendance", url_name="attendance_add")
class AttendanceAddView(ObjectActionMixin, TrainingSessionView):
    form_class = forms.AttendanceForm
    form_name = "attendance_form"

    def perform(self, form, session):
        count = services.record_attendance(session, **form.cleaned_data)
        return f"已登记 {count} 人的签到。"


@register_model_view(
    TrainingSession, "history_of", path="people/<int:user_pk>", detail=False, url_name="training_history"
)
@login_required
def training_history(request, user_pk):
    """A person's training record: their own, or anyone's for those who see training records of
    the person's department (officers, leadership, inspectors, the department's head)."""
    person = get_object_or_404(get_user_model().objects.select_related("profile"), pk=user_pk)
    user = request.user
    if not services.may_view_training_of(user, person):
        raise Http404("无权查看该人员的培训记录。")
    rows = services.training_history(person)
    if person != user:
        # Someone else's record shows only the sessions the access rule lets the viewer see.
        rows = rows.filter(session__in=TrainingSession.objects.visible_to(user))
    return render(
        request, "audits/training_history.html", {"person": person, "rows": list(rows), "title": "培训记录"}
    )


# --- account reviews (7 §2) ---------------------------------------------------------------------


register_model_view(AccountReview, "list")(
    list_view(AccountReview, "subject__profile", "closed_by__profile", "obligation")
)


@register_model_view(AccountReview, "detail")
class AccountReviewView(GovernanceView):
    model = AccountReview
    template_name = "audits/accountreview.html"
    related = ("subject__profile", "closed_by__profile", "obligation", "changed_department", "department")

    def default_forms(self):
        return {"close_form": forms.AccountReviewCloseForm()}


@register_model_view(AccountReview, "close")
class AccountReviewCloseView(ObjectActionMixin, AccountReviewView):
    form_class = forms.AccountReviewCloseForm
    form_name = "close_form"

    def perform(self, form, review):
        services.close_account_review(review, by=self.request.user, **form.cleaned_data)
        return f"已完成：{review}。"


# --- privileged accounts (5 §4) -----------------------------------------------------------------


register_model_view(PrivilegedAccount, "list")(
    list_view(PrivilegedAccount, "holder__profile", "approved_by__profile", "department")
)


@register_model_view(PrivilegedAccount, "detail")
class PrivilegedAccountView(GovernanceView):
    model = PrivilegedAccount
    template_name = "audits/privilegedaccount.html"
    related = ("holder__profile", "approved_by__profile", "department")

    def default_forms(self):
        return {"password_form": forms.PasswordChangeForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = list(self.object.password_changes.select_related("changed_by__profile"))
        return context


@register_model_view(
    PrivilegedAccount, "password_change", path="password-changes/add", url_name="passwordchange_add"
)
class PasswordChangeAddView(ObjectActionMixin, PrivilegedAccountView):
    form_class = forms.PasswordChangeForm
    form_name = "password_form"

    def perform(self, form, account):
        services.record_password_change(account, by=self.request.user, **form.cleaned_data)
        return "已登记密码更换。"
