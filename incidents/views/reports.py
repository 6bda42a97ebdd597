"""Reports to regulators and the incident's files: recording a report sent, the generated report
PDF, and the access-checked, audited downloads (the document recorded with a report, evidence)."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.forms import add_service_errors
from szmz_security.core.registry import register_model_view
from szmz_security.core.responses import pdf_response
from szmz_security.core.views import object_urls, visible_object_or_404

from .. import services
from ..forms import RegulatorReportForm
from ..models import Attachment, Incident, RegulatorReport
from ..reports import incident_report_pdf


def incident_obligation(incident, obligation_pk):
    """One of the incident's report obligations, or 404."""
    return get_object_or_404(
        services.obligations_of(incident).exclude(kind=services.CORRECTIVE_ACTION_KIND), pk=obligation_pk
    )


@register_model_view(
    Incident, "report_record", path="obligations/<int:obligation_pk>/report", url_name="report_record"
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
    return pdf_response(
        request,
        incident_report_pdf(incident, obligation),
        f"incident-{incident.pk}-report.pdf",
        document="incident_report",
        obj=incident,
        obligation=obligation.pk if obligation else None,
    )


def stored_file_response(file_field, filename):
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=filename)


@register_model_view(
    Incident, "report_document", path="reports/<int:report_pk>/document", url_name="report_document"
)
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


@register_model_view(Incident, "attachment", path="attachments/<int:attachment_pk>", url_name="attachment")
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
