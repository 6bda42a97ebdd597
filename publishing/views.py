"""Publishing screens: the publication list, draft form, detail page with the approval chain, the
public message board and its archive, and the monthly harmful-content report. Views stay thin:
each action calls one service; a ValidationError is shown on the page (400), PermissionDenied is
403, a publication outside the access rule 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import client_address, record
from szmz_security.core.views import (
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    visible_object_or_404,
)

from . import services
from .filters import PublicationFilterSet
from .forms import BoardMessageForm, DecisionForm, PublicationForm, ReportForm, add_service_errors
from .models import BoardMessage, HarmfulContentReport, Publication, PublicationAttachment
from .tables import PublicationTable, state_badge

# --- publications --------------------------------------------------------------------------------


class PublicationListView(ObjectListView):
    model = Publication
    table_class = PublicationTable
    filterset_class = PublicationFilterSet
    template_name = "publishing/publication_list.html"
    title = "信息发布"
    export_filename = "publications"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "author__profile")

    def add_url(self):
        return reverse("publishing:publication_add") if services.can_create(self.request.user) else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending_url"] = reverse("publishing:publication_pending")
        return context


class PendingPublicationListView(PublicationListView):
    """待我审批: what waits for this user's decision."""

    title = "待我审批"
    export_filename = "publications-pending"

    def get_queryset(self):
        return services.pending_for(self.request.user, super().get_queryset())


class PublicationEditView(ObjectEditView):
    model = Publication
    form_class = PublicationForm
    template_name = "publishing/publication_edit.html"

    def get_object(self, queryset=None):
        if self.kwargs.get(self.pk_url_kwarg) is None:
            if not services.can_create(self.request.user):
                raise PermissionDenied("您不属于任何部门，不能起草信息。")
            return None
        publication = get_object_or_404(self.visible("view"), pk=self.kwargs[self.pk_url_kwarg])
        services.check_editable(self.request.user, publication)
        return publication

    def form_valid(self, form):
        user = self.request.user
        files = form.cleaned_data.get("attachments") or []
        creating = form.instance.pk is None
        try:
            with transaction.atomic():
                if creating:
                    self.object = services.create_publication(form.save(commit=False), by=user, files=files)
                else:
                    self.object = services.update_publication(form.save(commit=False), by=user, files=files)
        except ValidationError as error:
            if creating:
                form.instance.pk = None
                form.instance._state.adding = True
                self.object = None
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存草稿：{self.object}。确认无误后请在详情页“提交审批”。")
        return HttpResponseRedirect(self.object.get_absolute_url())


class PublicationHistoryView(ObjectHistoryView):
    model = Publication


class PublicationView(ObjectView):
    model = Publication
    template_name = "publishing/publication.html"
    decision_form = None
    blocked_hits = None

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department", "author__profile", "published_by__profile", "previous_version")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        publication = self.object
        editable = services.can_edit(user, publication)
        decider = services.can_decide(user, publication)
        hits = self.blocked_hits
        if hits is None and (editable or decider or publication.state in services.REVIEW_STATES):
            hits = services.scan_publication(publication)
        hits = hits or []
        body_hits = [hit for hit in hits if hit.get("field", "body") == "body"]
        title_hits = [hit for hit in hits if hit.get("field") == "title"]
        next_version = Publication.objects.filter(previous_version=publication).first()
        context.update(
            state_badge=state_badge(publication),
            can_change=editable,
            can_delete=False,
            can_submit=editable,
            can_decide=decider,
            can_publish=decider and publication.state == Publication.State.READY,
            can_override=(
                publication.state in (Publication.State.INFO_REVIEW, Publication.State.READY)
                and user.has_perm(services.OVERRIDE_PERMISSION)
                and publication.author_id != user.pk
                and bool(services.review_hits(hits))
                and not services.blocking_hits(hits)
                and not publication.filter_override
            ),
            can_new_version=(
                publication.state == Publication.State.PUBLISHED
                and next_version is None
                and services.creatable_departments(user).filter(pk=publication.department_id).exists()
            ),
            next_version=next_version,
            hits=hits,
            blocking=services.blocking_hits(hits),
            review=services.review_hits(hits),
            highlighted_body=services.highlight(publication.body, body_hits),
            highlighted_title=services.highlight(publication.title, title_hits),
            steps=list(publication.steps.select_related("user__profile")),
            attachments=list(publication.attachments.select_related("uploaded_by__profile")),
            decision_form=self.decision_form or DecisionForm(initial={"expected_state": publication.state}),
        )
        return context


class PublicationActionView(PublicationView):
    """A decision POSTed from the detail page: one service call. A refusal re-renders the page
    (400) with the reason and, for a filter hit, the words highlighted in place."""

    http_method_names = ["post"]

    def get_object(self, queryset=None):
        return super(ObjectView, self).get_object(queryset)

    def post(self, request, *args, **kwargs):
        self.object = publication = self.get_object()
        form = DecisionForm(request.POST)
        if not form.is_valid():
            self.decision_form = form
            return self.render_to_response(self.get_context_data(object=publication), status=400)
        data = form.cleaned_data
        action, comment, expected = data["action"], data["comment"], data["expected_state"] or None
        user = request.user
        try:
            if action == "submit":
                services.submit(publication, by=user, comment=comment)
                message = "已提交，等待处室负责人审批。"
            elif action == "approve":
                publication = services.approve(publication, by=user, comment=comment, expected_state=expected)
                message = f"已同意，下一步：{publication.get_state_display()}。"
            elif action == "return":
                services.return_for_changes(publication, by=user, comment=comment, expected_state=expected)
                message = "已退回起草人修改。"
            elif action == "reject":
                services.reject(publication, by=user, comment=comment, expected_state=expected)
                message = "已否决。"
            elif action == "override":
                services.override_filter(publication, by=user, comment=comment)
                message = "已放行审核级敏感词（已记录意见）。"
            else:
                services.publish(publication, by=user, comment=comment, expected_state=expected)
                message = "已发布。"
        except services.FilterBlocked as error:
            self.blocked_hits = error.hits
            form.add_error(None, error.messages[0])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(publication)
        publication.refresh_from_db()
        self.decision_form = form
        return self.render_to_response(self.get_context_data(object=publication), status=400)


@login_required
@require_POST
def new_version(request, pk):
    publication = visible_object_or_404(Publication, request.user, pk)
    try:
        draft = services.new_version(publication, by=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(publication)
    messages.success(request, f"已创建第 {draft.version} 版草稿，修改后请重新提交审批。")
    return redirect(draft)


@login_required
def attachment_download(request, pk, attachment_pk):
    publication = visible_object_or_404(Publication, request.user, pk)
    attachment = get_object_or_404(PublicationAttachment, pk=attachment_pk, publication=publication)
    record(AuditEvent.Kind.EXPORT, request=request, obj=publication, attachment=attachment.pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


# --- the public message board --------------------------------------------------------------------


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
            services.highlight(
                message.text, [hit for hit in message.filter_hits if hit.get("field") != "name"]
            ),
            services.highlight(
                message.name, [hit for hit in message.filter_hits if hit.get("field") == "name"]
            ),
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
            "can_review": request.user.has_perm("publishing.change_boardmessage"),
        },
    )


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


@login_required
@permission_required("publishing.view_harmfulcontentreport", raise_exception=True)
def report_list(request):
    form = ReportForm(request.POST or None, initial={"month": services.previous_month(timezone.localdate())})
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("publishing.add_harmfulcontentreport"):
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
