"""One way to hand out a PDF (DESIGN.md §7): every inspection report, review, label sheet and
certificate the portal prints goes through ``pdf_response``."""

import io

from django.http import FileResponse

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record


def pdf_response(request, pdf, filename, *, document, obj=None, inline=False, **details):
    """The PDF (bytes, or an open stored file) as a download (or inline, for label sheets opened to print), recorded in the
    audit log as a print of ``document`` (about ``obj`` when there is one). The caller has fetched
    ``obj`` through the access rule. A Chinese ``filename`` goes out RFC 5987-encoded (Django's
    ``filename*=utf-8''…``); ``Cache-Control: no-store`` comes from the sensitive-response
    middleware like every other record."""
    record(AuditEvent.Kind.PRINT, request=request, obj=obj, document=document, **details)
    return FileResponse(
        io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf,
        as_attachment=not inline,
        filename=filename,
        content_type="application/pdf",
    )
