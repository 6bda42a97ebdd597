"""Publication screens: the list, the draft form, the detail page with the approval chain and its
decisions, a new version of a published item, the attachments. Views stay thin: each action calls
one service; a ValidationError is shown on the page (400), PermissionDenied is 403, a publication
outside the access rule 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
    ObjectEditView,
    ObjectListView,
    ObjectView,
    visible_object_or_404,
)

from ..wordfilter.scan import FilterBlocked, blocking_hits, highlight, review_hits, scan_publication
from . import services
from .filters import PublicationFilterSet
from .forms import DecisionForm, PublicationForm
from .models import Publication, PublicationAttachment
from .tables import PublicationTable, state_badge

register_model(
    Publication,
    path="publications",
    table=PublicationTable,
    filterset=PublicationFilterSet,
    form=PublicationForm,
    title="信息发布",
    export_filename="publications",
    actions=("list", "detail", "add", "edit", "history"),
)


@register_model_view(Publication, "list")
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


@register_model_view(Publication, "pending", detail=False, url_name="publication_pending")
class PendingPublicationListView(PublicationListView):
    """待我审批: what waits for this user's decision."""

    title = "待我审批"
    export_filename = "publications-pending"

    def get_queryset(self):
        return services.pending_for(self.request.user, super().get_queryset())


@register_model_view(Publication, "add")
@register_model_view(Publication, "edit")
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

    def save_form(self, form):
        files = form.cleaned_data.get("attachments") or []
        save = services.create_publication if form.instance.pk is None else services.update_publication
        return save(form.save(commit=False), by=self.request.user, files=files)

    def success_message(self, publication):
        return f"已保存草稿：{publication}。确认无误后请在详情页“提交审批”。"


@register_model_view(Publication, "detail")
class PublicationView(DetailFormsMixin, ObjectView):
    model = Publication
    template_name = "publishing/publication.html"
    blocked_hits = None

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department", "author__profile", "published_by__profile", "previous_version")
        )

    def default_forms(self):
        return {"decision_form": DecisionForm(initial={"expected_state": self.object.state})}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        publication = self.object
        editable = services.can_edit(user, publication)
        decider = services.can_decide(user, publication)
        hits = self.blocked_hits
        if hits is None and (editable or decider or publication.state in services.REVIEW_STATES):
            hits = scan_publication(publication)
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
            can_override=services.can_override(user, publication, hits),
            can_new_version=(
                publication.state == Publication.State.PUBLISHED
                and next_version is None
                and services.creatable_departments(user).filter(pk=publication.department_id).exists()
            ),
            next_version=next_version,
            hits=hits,
            blocking=blocking_hits(hits),
            review=review_hits(hits),
            highlighted_body=highlight(publication.body, body_hits),
            highlighted_title=highlight(publication.title, title_hits),
            steps=list(publication.steps.select_related("user__profile")),
            attachments=list(publication.attachments.select_related("uploaded_by__profile")),
        )
        return context


@register_model_view(Publication, "decide")
class PublicationActionView(ObjectActionMixin, PublicationView):
    """A decision POSTed from the detail page (core ``ObjectActionMixin``): one service call. A
    refusal re-renders the page (400) with the reason and, for a filter hit, the words
    highlighted in place. Who decides what is the services' rule."""

    action = "view"
    form_class = DecisionForm
    form_name = "decision_form"

    def get_form(self):
        return self.form_class(self.request.POST)

    def perform(self, form, publication):
        data = form.cleaned_data
        action, comment, expected = data["action"], data["comment"], data["expected_state"] or None
        user = self.request.user
        try:
            if action == "submit":
                services.submit(publication, by=user, comment=comment)
                return "已提交，等待处室负责人审批。"
            if action == "approve":
                publication = services.approve(publication, by=user, comment=comment, expected_state=expected)
                return f"已同意，下一步：{publication.get_state_display()}。"
            if action == "return":
                services.return_for_changes(publication, by=user, comment=comment, expected_state=expected)
                return "已退回起草人修改。"
            if action == "reject":
                services.reject(publication, by=user, comment=comment, expected_state=expected)
                return "已否决。"
            if action == "override":
                services.override_filter(publication, by=user, comment=comment)
                return "已放行审核级敏感词（已记录意见）。"
            services.publish(publication, by=user, comment=comment, expected_state=expected)
            return "已发布。"
        except FilterBlocked as error:
            # The page shows the words where they stand, the reason above the form.
            self.blocked_hits = error.hits
            raise ValidationError(error.messages[0]) from error


@register_model_view(Publication, "new_version")
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


@register_model_view(Publication, "attachment", path="attachments/<int:attachment_pk>")
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
