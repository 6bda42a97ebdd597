"""The public message board (no login) and its archive, and the monthly harmful-content report
(10 §2, §4). Views stay thin: each action calls one service; a ValidationError is shown on the
page (400, 429 for the rate limit), PermissionDenied is 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import client_address, record
from szmz_security.core.forms import add_service_errors
from szmz_security.core.registry import register_model, register_model_view

from ..wordfilter.scan import highlight
from . import services
from .forms import BoardMessageForm, ReportForm
from .models import BoardMessage, HarmfulContentReport
from .report import previous_month

# Both keep their pages' URLs and names (``publishing:board``, ``publishing:report_list`` …); the
# stored report files stay an explicit path() in publishing/urls.py (by kind, not by action).
register_model(BoardMessage, path="board", actions=())
register_model(HarmfulContentReport, path="publications/reports", actions=())

# --- the public message board --------------------------------------------------------------------


@register_model_view(BoardMessage, "board", path="", detail=False, url_name="board")
def board(request):
    """The public board: shown messages and the form (no login)."""
    form = BoardMessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message = services.submit_message(ip_address=client_address(request), **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages[0])
                status = 429
            else:
                if message.status == BoardMessage.Status.SHOWN:
                    messages.success(request, "感谢您的留言，已发布。")
                else:
                    messages.info(request, "感谢您的留言，工作人员审核后显示。")
                return redirect("publishing:board")
        else:
            status = 400
    page = Paginator(
        BoardMessage.objects.filter(status=BoardMessage.Status.SHOWN).only("name", "text", "submitted_at"),
        20,
    ).get_page(request.GET.get("page"))
    return render(request, "publishing/board.html", {"form": form, "page_obj": page}, status=status)


@register_model_view(BoardMessage, "archive", detail=False, url_name="board_archive")
@login_required
@permission_required("publishing.view_boardmessage", raise_exception=True)
def board_archive(request):
    """Held and review messages with their hits highlighted (officers)."""
    status = request.GET.get("status") or ""
    queryset = BoardMessage.objects.exclude(status=BoardMessage.Status.SHOWN).select_related(
        "reviewed_by__profile"
    )
    if status in (BoardMessage.Status.HELD, BoardMessage.Status.REVIEW):
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    rows = [
        (
            message,
            highlight(message.text, [hit for hit in message.filter_hits if hit.get("field") != "name"]),
            highlight(message.name, [hit for hit in message.filter_hits if hit.get("field") == "name"]),
        )
        for message in page
    ]
    return render(
        request,
        "publishing/board_archive.html",
        {
            "page_obj": page,
            "rows": rows,
            "status": status,
            "can_review": services.can_review(request.user),
        },
    )


@register_model_view(BoardMessage, "review", url_name="board_review")
@login_required
@require_POST
def board_review(request, pk):
    message = get_object_or_404(BoardMessage, pk=pk)
    show = request.POST.get("decision") == "show"
    try:
        services.review_message(message, by=request.user, show=show)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已审核通过，留言已显示。" if show else "已拦截该留言。")
    return redirect("publishing:board_archive")


# --- the monthly harmful-content report ----------------------------------------------------------


@register_model_view(HarmfulContentReport, "list", url_name="report_list")
@login_required
@permission_required("publishing.view_harmfulcontentreport", raise_exception=True)
def report_list(request):
    form = ReportForm(request.POST or None, initial={"month": previous_month(timezone.localdate())})
    status = 200
    if request.method == "POST":
        if not services.can_generate_report(request.user):
            raise PermissionDenied("只有信息员可以生成有害信息报告。")
        if form.is_valid():
            try:
                report = services.generate_report(form.cleaned_data["month"], by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                late = ""
                if report.obligation and report.obligation.state == report.obligation.State.MET_LATE:
                    late = "（报送义务逾期完成）"
                messages.success(request, f"已生成{report}，拦截留言 {report.message_count} 条{late}。")
                return redirect("publishing:report_list")
        status = 400
    reports = HarmfulContentReport.objects.select_related("obligation", "generated_by__profile")
    page = Paginator(reports, 24).get_page(request.GET.get("page"))
    return render(request, "publishing/report_list.html", {"form": form, "page_obj": page}, status=status)


@login_required
@permission_required("publishing.view_harmfulcontentreport", raise_exception=True)
def report_file(request, pk, kind):
    """The stored PDF or CSV of a month's report, as generated (a download of an archived file,
    audited as an export)."""
    if kind not in ("pdf", "csv"):
        raise Http404
    report = get_object_or_404(HarmfulContentReport, pk=pk)
    field = report.pdf if kind == "pdf" else report.csv
    if not field:
        raise Http404("报告尚未生成。")
    record(AuditEvent.Kind.EXPORT, request=request, obj=report, document=f"harmful_content_{kind}")
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=f"harmful-content-{report.month:%Y-%m}.{kind}"
    )
