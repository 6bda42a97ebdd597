"""Incident screens: the report form, the list (with each open deadline's countdown), the detail
page with its handling actions, recording a report to a regulator, and the access-checked file
downloads. Views stay thin: each action calls one service; a service's ValidationError is shown
next to the field it names (400), PermissionDenied is 403, an incident outside the access rule 404.
"""

import io
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.templatetags.portal import humanize_remaining
from szmz_security.core.uploads import files_removed_on_error
from szmz_security.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    object_urls,
    visible_object_or_404,
)
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import can_read_content

from . import services
from .filters import IncidentFilterSet
from .forms import (
    AttachmentForm,
    CorrectiveActionForm,
    GradeForm,
    IncidentForm,
    NoteForm,
    RegulatorReportForm,
    ReportContentForm,
    TransitionForm,
    add_service_errors,
)
from .models import Attachment, Incident, RegulatorReport
from .reports import incident_report_pdf
from .tables import IncidentTable


def open_obligations_prefetch():
    """Each incident's open obligations, in one query for a whole page (the list's cell picks the
    nearest deadline: ``incident_tags.next_obligation``).

    Deliberately without ORDER BY: ordered by due date, SQLite (without ANALYZE statistics) walks
    the index obligation_state_due through every open obligation of the bureau (50,000 at scale
    1, ~100 ms a page) to save sorting a page's few rows, instead of looking the page's 25
    incidents up in obligation_subject (bench/bench_incidents.py)."""
    return Prefetch(
        "obligations",
        queryset=Obligation.objects.filter(state=Obligation.State.OPEN).order_by(),
        to_attr="open_obligations",
    )


# --- lists ----------------------------------------------------------------------------------------


class IncidentListView(ObjectListView):
    model = Incident
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    template_name = "incidents/incident_list.html"
    title = "安全事件"
    export_filename = "incidents"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department", "reported_by__profile")
            .prefetch_related(open_obligations_prefetch())
        )

    def add_url(self):
        # The page offers its own “报告事件” button (a clerk reports; nobody “creates an incident”).
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report_url"] = (
            reverse("incidents:incident_add")
            if self.request.user.has_perm("incidents.add_incident")
            else None
        )
        return context


class MyIncidentListView(IncidentListView):
    """我的报告: what the user reported, wherever it has moved since."""

    title = "我的报告"
    export_filename = "my-incidents"

    def get_queryset(self):
        return super().get_queryset().filter(reported_by=self.request.user)


# --- filing and editing ---------------------------------------------------------------------------


def attach_files(incident, files, *, by, stored, description=""):
    attachments = []
    for uploaded in files:
        attachment = services.add_attachment(incident, uploaded, by=by, description=description)
        stored.append(attachment.file.name)
        attachments.append(attachment)
    return attachments


def owed_reports_message(incident):
    """What the clerk is told after filing: which reports are now owed and by when."""
    owed = [
        obligation
        for obligation in services.obligations_of(incident).filter(state=Obligation.State.OPEN)
        if obligation.kind != services.CORRECTIVE_ACTION_KIND
    ]
    if not owed:
        return f"已报告事件“{incident}”。按目前填写的情况，暂无须向监管机构报送的报告；安全员将尽快受理。"
    now = timezone.now()
    parts = [
        f"{obligation.authority}（截止 {timezone.localtime(obligation.due_at):%Y-%m-%d %H:%M}，"
        f"{humanize_remaining((obligation.due_at - now).total_seconds())}）"
        for obligation in owed
    ]
    return f"已报告事件“{incident}”。须报送：" + "；".join(parts) + "。安全员将收到提醒并负责报送。"


class IncidentEditView(ObjectEditView):
    model = Incident
    form_class = IncidentForm
    template_name = "incidents/incident_edit.html"

    def save_form(self, form):
        user = self.request.user
        files = form.cleaned_data.get("evidence") or []
        if form.instance.pk is None:
            incident = services.file_incident(form.save(commit=False), by=user)
        else:
            incident = form.save(commit=False)
            incident._change_reason = "编辑事件信息"
            services.update_incident(incident, by=user, changed_fields=form.changed_model_fields())
        attach_files(incident, files, by=user, stored=self.stored_files)
        return incident

    def form_valid(self, form):
        creating = form.instance.pk is None
        try:
            with files_removed_on_error() as self.stored_files, transaction.atomic():
                self.object = self.save_form(form)
        except ValidationError as error:
            if creating:
                # The insert was rolled back: the form must not look like an edit now.
                form.instance.pk = None
                form.instance._state.adding = True
                self.object = None
            add_service_errors(form, error, {"file": "evidence"})
            return self.form_invalid(form)
        if creating:
            messages.success(self.request, owed_reports_message(self.object))
        else:
            messages.success(self.request, f"已保存：{self.object}")
        return HttpResponseRedirect(self.object.get_absolute_url())


class IncidentDeleteView(ObjectDeleteView):
    model = Incident

    def perform_delete(self, obj):
        services.delete_incident(obj, by=self.request.user)


class IncidentHistoryView(ObjectHistoryView):
    model = Incident


# --- the detail page and its actions --------------------------------------------------------------


class IncidentView(ObjectView):
    model = Incident
    template_name = "incidents/incident.html"
    # Bound forms of a refused action, by context name, and the section to show opened.
    forms = None
    open_form = None

    def get_queryset(self):
        return super().get_queryset().select_related("department", "reported_by__profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.content_visible:  # else the redacted page (need-to-know) shows no content
            context.update(self.detail_context(context))
        return context

    def detail_context(self, context):
        user = self.request.user
        incident = self.object
        handler = services.can_handle(user, incident)
        obligations = list(
            services.obligations_of(incident).select_related(
                "met_by__profile", "waived_by__profile", "regulator_report"
            )
        )
        transitions = services.TRANSITIONS.get(incident.state, ()) if handler else ()
        forms = {
            "grade_form": GradeForm(initial={"grade": incident.grade or incident.effective_grade}),
            "transition_form": TransitionForm(),
            "false_alarm_form": TransitionForm(initial={"to_state": Incident.State.FALSE_ALARM}),
            "close_form": TransitionForm(
                initial={
                    "to_state": Incident.State.CLOSED,
                    "root_cause": incident.root_cause or incident.cause,
                    "lessons_learned": incident.lessons_learned,
                }
            ),
            "action_form": CorrectiveActionForm() if handler else None,
            "note_form": NoteForm(),
            "attachment_form": AttachmentForm(),
            "content_form": ReportContentForm(instance=incident) if handler else None,
        }
        forms.update(self.forms or {})
        return {
            **forms,
            "open_form": self.open_form,
            "can_handle": handler,
            "can_contribute": services.can_contribute(user, incident),
            # Only a mistaken filing that owes nothing can be deleted: hide a button that would refuse.
            "can_delete": context.get("can_delete") and services.is_deletable(incident),
            "can_view_obligations": user.has_perm("obligations.view_obligation"),
            "report_obligations": [o for o in obligations if o.kind != services.CORRECTIVE_ACTION_KIND],
            "corrective_actions": list(
                incident.corrective_actions.select_related("owner__profile", "obligation")
            ),
            "timeline": list(incident.timeline.select_related("user__profile")),
            "attachments": list(incident.attachments.select_related("uploaded_by__profile")),
            "simple_transitions": [
                Incident.State(state)
                for state in transitions
                if state not in (Incident.State.FALSE_ALARM, Incident.State.CLOSED)
            ],
            "can_close": Incident.State.CLOSED in transitions,
            "can_mark_false_alarm": Incident.State.FALSE_ALARM in transitions,
            "grade_floor_note": grade_floor_note(incident),
        }


def grade_floor_note(incident):
    floor = incident.minimum_grade
    if floor <= 1:
        return ""
    assessed = incident.grade or incident.suggested_grade or 1
    forced = "，已按此计算报告时限" if assessed < floor else ""
    return f"涉及个人信息 {incident.personal_info_count:,} 人，等级不低于“{floor.label}”{forced}。"


class IncidentActionView(IncidentView):
    """A POST from the detail page that calls one service. Refused input re-renders the detail
    page (400) with the error next to the field."""

    http_method_names = ["post"]
    form_class = None
    form_name = None
    # Service error keys that name a differently called form field.
    field_map = {}

    def get_object(self, queryset=None):
        # The incident under the access rule (404), without a second VIEW audit event; acting
        # on it needs its content (need-to-know), as the refused form re-renders the page.
        incident = super(ObjectView, self).get_object(queryset)
        self.content_visible = can_read_content(self.request.user, incident)
        return incident

    def allowed(self, user, incident):
        return services.can_handle(user, incident)

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES)

    def form_name_for(self, form):
        return self.form_name

    def post(self, request, *args, **kwargs):
        self.object = incident = self.get_object()
        if not self.content_visible or not self.allowed(request.user, incident):
            raise PermissionDenied("只有安全员或获授权的处置人员可以执行此操作。")
        form = self.get_form()
        if form.is_valid():
            try:
                with files_removed_on_error() as self.stored_files, transaction.atomic():
                    message = self.perform(form, incident)
            except ValidationError as error:
                add_service_errors(form, error, self.field_map)
                incident.refresh_from_db()
            else:
                messages.success(request, message)
                return redirect(incident)
        name = self.form_name_for(form)
        self.forms = {name: form}
        self.open_form = name
        context = self.get_context_data(object=incident)
        return self.render_to_response(context, status=400)

    def perform(self, form, incident):
        raise NotImplementedError


class IncidentGradeView(IncidentActionView):
    form_class = GradeForm
    form_name = "grade_form"

    def perform(self, form, incident):
        incident = services.set_grade(
            incident, form.cleaned_data["grade"], by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return f"已定级为“{incident.get_grade_display()}”，报告义务已按新等级重新计算。"


class IncidentTransitionView(IncidentActionView):
    form_class = TransitionForm

    def form_name_for(self, form):
        to_state = form.data.get("to_state")
        if to_state == Incident.State.FALSE_ALARM:
            return "false_alarm_form"
        if to_state == Incident.State.CLOSED:
            return "close_form"
        return "transition_form"

    def perform(self, form, incident):
        data = form.cleaned_data
        to_state = Incident.State(data["to_state"])
        closing = to_state == Incident.State.CLOSED
        services.transition(
            incident,
            to_state,
            by=self.request.user,
            reason=data["reason"],
            root_cause=data["root_cause"] if closing else None,
            lessons_learned=data["lessons_learned"] if closing else None,
        )
        if to_state == Incident.State.FALSE_ALARM:
            return "已标记为误报；尚未完成的报告义务已标记为不再需要。"
        return f"状态已变更为“{to_state.label}”。"


class CorrectiveActionAddView(IncidentActionView):
    form_class = CorrectiveActionForm
    form_name = "action_form"

    def perform(self, form, incident):
        action = services.add_corrective_action(incident, by=self.request.user, **form.cleaned_data)
        return f"已添加整改措施：{action.description}（责任人将收到提醒）。"


class ReportContentView(IncidentActionView):
    form_class = ReportContentForm
    form_name = "content_form"

    def get_form(self):
        return self.form_class(self.request.POST, instance=self.object)

    def perform(self, form, incident):
        incident = form.save(commit=False)
        incident._change_reason = "更新报告内容"
        services.update_incident(incident, by=self.request.user, changed_fields=form.changed_data)
        return "已更新报告内容。"


class NoteAddView(IncidentActionView):
    form_class = NoteForm
    form_name = "note_form"

    def allowed(self, user, incident):
        return services.can_contribute(user, incident)

    def perform(self, form, incident):
        services.add_note(incident, text=form.cleaned_data["text"], by=self.request.user)
        return "已添加处置记录。"


class AttachmentAddView(NoteAddView):
    form_class = AttachmentForm
    form_name = "attachment_form"
    field_map = {"file": "files"}

    def perform(self, form, incident):
        attachments = attach_files(
            incident,
            form.cleaned_data["files"],
            by=self.request.user,
            stored=self.stored_files,
            description=form.cleaned_data["description"],
        )
        return "已上传：" + "、".join(attachment.original_name for attachment in attachments)


# --- reports to regulators ------------------------------------------------------------------------


def incident_obligation(incident, obligation_pk):
    """One of the incident's report obligations, or 404."""
    return get_object_or_404(
        services.obligations_of(incident).exclude(kind=services.CORRECTIVE_ACTION_KIND), pk=obligation_pk
    )


class RegulatorReportRecordView(LoginRequiredMixin, TemplateView):
    """记录报送: who sent which report to which body, when, how, with what reference number."""

    template_name = "incidents/report_record.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.incident = visible_object_or_404(Incident, request.user, kwargs["pk"])
        self.obligation = incident_obligation(self.incident, kwargs["obligation_pk"])
        if not services.can_handle(request.user, self.incident):
            raise PermissionDenied("只有安全员或获授权的处置人员可以记录报送。")
        if not self.obligation.is_open:
            messages.info(request, f"该报告义务已是“{self.obligation.display_state()}”，无需再次记录。")
            return redirect(self.incident)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.incident,
            obligation=self.obligation,
            form=form or RegulatorReportForm(obligation=self.obligation),
            model_meta=Incident._meta,
            urls=object_urls(Incident, self.incident),
            pdf_url=f"{reverse('incidents:report_pdf', args=[self.incident.pk])}?obligation={self.obligation.pk}",
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RegulatorReportForm(request.POST, request.FILES, obligation=self.obligation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    report = services.record_report(
                        self.incident,
                        self.obligation,
                        by=request.user,
                        sent_at=data["sent_at"],
                        channel=data["channel"],
                        receiving_body=data["receiving_body"],
                        receiver=data["receiver"],
                        reference_number=data["reference_number"],
                        document=data["document"] or None,
                        note_text=data["note"],
                    )
            except ValidationError as error:
                add_service_errors(form, error, {"note_text": "note", "file": "document"})
            else:
                self.obligation.refresh_from_db()
                late = "（逾期完成）" if report.late else "（按期完成）"
                messages.success(request, f"已记录向{report.receiving_body}的报送{late}。")
                return redirect(self.incident)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_required
def report_pdf(request, pk):
    """The report document generated from the incident (for one obligation's recipient), audited
    as a print."""
    incident = visible_object_or_404(Incident, request.user, pk, "content")
    obligation = None
    if request.GET.get("obligation"):
        try:
            obligation = incident_obligation(incident, int(request.GET["obligation"]))
        except ValueError:
            raise Http404 from None
    pdf = incident_report_pdf(incident, obligation)
    record(
        AuditEvent.Kind.PRINT,
        request=request,
        obj=incident,
        document="incident_report",
        obligation=obligation.pk if obligation else None,
    )
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=f"incident-{incident.pk}-report.pdf",
        content_type="application/pdf",
    )


def stored_file_response(file_field, filename):
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
def report_document(request, pk, report_pk):
    """The document recorded with a report to a regulator, through the access rule, audited."""
    incident = visible_object_or_404(Incident, request.user, pk, "content")
    report = get_object_or_404(RegulatorReport, pk=report_pk, incident=incident)
    record(
        AuditEvent.Kind.EXPORT,
        request=request,
        obj=incident,
        document="regulator_report",
        report=report.pk,
    )
    suffix = Path(report.document.name).suffix or ".pdf"
    return stored_file_response(report.document, f"incident-{incident.pk}-report-{report.pk}{suffix}")


@login_required
def attachment_download(request, pk, attachment_pk):
    """Evidence, served only through the access rule (404 for anyone else), under its original
    name, always as a download (never rendered by the browser), audited."""
    incident = visible_object_or_404(Incident, request.user, pk, "content")
    attachment = get_object_or_404(Attachment, pk=attachment_pk, incident=incident)
    record(
        AuditEvent.Kind.EXPORT,
        request=request,
        obj=incident,
        attachment=attachment.pk,
        file=attachment.original_name,
    )
    return stored_file_response(attachment.file, attachment.original_name)
