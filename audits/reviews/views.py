"""Quarterly review screens: checklist, findings, circulation, sign-off and the PDF. Each action
calls one service; a refused action re-renders the detail page (400) with the error by its field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.responses import pdf_response
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
    ObjectView,
    visible_object_or_404,
)

from . import services
from .filters import QuarterlyReviewFilterSet
from .forms import (
    AcceptEvidenceForm,
    CirculateForm,
    FindingForm,
    OpenSelfInspectionForm,
    ReviewItemForm,
    SignOffForm,
)
from .models import QuarterlyReview
from .reports import review_pdf_bytes
from .tables import QuarterlyReviewTable

declaration = register_model(
    QuarterlyReview,
    path="reviews",
    table=QuarterlyReviewTable,
    filterset=QuarterlyReviewFilterSet,
    actions=("list", "detail", "history"),
    title="季度风险评估",
    export_filename="quarterly-reviews",
)


@register_model_view(QuarterlyReview, "list")
class QuarterlyReviewListView(declaration.generic_view("list")):
    template_name = "audits/quarterlyreview_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("obligation", "signed_off_by__profile")
            .annotate(
                item_count=Count("items", distinct=True),
                assessed_count=Count("items", filter=~Q(items__result=""), distinct=True),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create_current"] = services.may_create_review(self.request.user)
        context["open_self_inspection_form"] = OpenSelfInspectionForm()
        return context


@register_model_view(QuarterlyReview, "current", detail=False)
@login_required
def current_review(request):
    """本季度评估: an officer may open (and so create, idempotently) this quarter's review."""
    if request.method != "POST":
        review = (
            QuarterlyReview.objects.visible_to(request.user)
            .filter(kind=QuarterlyReview.Kind.QUARTERLY)
            .order_by("-year", "-quarter")
            .first()
        )
        if review is None:
            raise Http404("尚无季度评估。")
        return redirect(review)
    if not services.may_create_review(request.user):
        raise PermissionDenied("只有安全员可以创建季度评估。")
    review = services.ensure_quarterly_review()
    if review is None:
        messages.error(request, "未找到负责季度评估的部门（AUDITS_REVIEW_DEPARTMENT），无法创建。")
        return redirect("audits:quarterlyreview_list")
    return redirect(review)


@register_model_view(QuarterlyReview, "self_inspection", detail=False)
@login_required
def self_inspection(request):
    """年度自查: GET shows this year's (or the latest visible) self-inspection; POST opens this year's,
    once — opening it again returns the existing one."""
    if request.method != "POST":
        inspection = (
            QuarterlyReview.objects.visible_to(request.user)
            .filter(kind=QuarterlyReview.Kind.SELF_INSPECTION)
            .order_by("-year")
            .first()
        )
        if inspection is None:
            return redirect(f"{reverse('audits:quarterlyreview_list')}?kind=self_inspection")
        return redirect(inspection)
    form = OpenSelfInspectionForm(request.POST)
    form.is_valid()
    try:
        inspection, created = services.open_self_inspection(
            by=request.user, include_bureau=form.cleaned_data.get("include_bureau", False)
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("audits:quarterlyreview_list")
    if created:
        messages.success(request, f"已开展{inspection}，共 {inspection.items.count()} 项。")
    else:
        messages.info(request, f"{inspection}已开展，不能重复开展。")
    return redirect(inspection)


@register_model_view(QuarterlyReview, "detail")
class QuarterlyReviewView(DetailFormsMixin, ObjectView):
    model = QuarterlyReview
    template_name = "audits/quarterlyreview.html"
    related = ("obligation", "signed_off_by__profile", "department")

    def default_forms(self):
        return {
            "finding_form": FindingForm(review=self.object),
            "circulate_form": CirculateForm(),
            "sign_off_form": SignOffForm(initial={"summary": self.object.summary}),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        items = list(review.items.select_related("clause__chapter", "assessed_by__profile"))
        item_errors = getattr(self, "item_errors", {})
        for item in items:
            item.form = item_errors.get(item.pk) or ReviewItemForm(
                initial={"result": item.result, "note": item.note},
                prefix=f"item{item.pk}",
                self_inspection=review.is_self_inspection,
            )
        by_department = {}
        for name, read_at in review.circulations.values_list("department__name", "read_at"):
            entry = by_department.setdefault(name, {"name": name, "total": 0, "read": 0})
            entry["total"] += 1
            entry["read"] += read_at is not None
        context.update(
            items=items,
            assessed=sum(1 for item in items if item.result),
            pending=sum(1 for item in items if not item.result),
            findings=list(
                review.findings.select_related("owner__profile", "department", "obligation", "item__clause")
            ),
            circulation=list(by_department.values()),
            can_edit=context["can_change"] and not review.signed_off,
            pdf_url=reverse("audits:quarterlyreview_pdf", args=[review.pk]),
        )
        if review.is_self_inspection:
            context.update(
                job=review.job,
                poll_url=reverse("audits:quarterlyreview_pdf_progress", args=[review.pk]),
                label="生成进度",
                result_template="audits/_self_inspection_pdf.html",
            )
        return context


@register_model_view(QuarterlyReview, "pdf_progress", path="pdf-progress")
class SelfInspectionPdfProgressView(ObjectView):
    """The self-inspection PDF's build, polled by the progress block."""

    model = QuarterlyReview
    template_name = "jobs/progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            job=self.object.job,
            poll_url=reverse("audits:quarterlyreview_pdf_progress", args=[self.object.pk]),
            label="生成进度",
            result_template="audits/_self_inspection_pdf.html",
        )
        return context


@register_model_view(QuarterlyReview, "assess", path="items/<int:item_pk>", url_name="reviewitem_assess")
class ReviewItemAssessView(ObjectActionMixin, QuarterlyReviewView):
    denied_message = "只有安全员可以填写季度评估。"

    def get_form(self):
        self.item = get_object_or_404(self.object.items.select_related("clause"), pk=self.kwargs["item_pk"])
        return ReviewItemForm(
            self.request.POST, prefix=f"item{self.item.pk}", self_inspection=self.object.is_self_inspection
        )

    def form_name_for(self, form):
        # The refused item's form is shown on its own row of the checklist.
        self.item_errors = {self.item.pk: form}
        return "item_form"

    def perform(self, form, review):
        item = services.assess_item(self.item, by=self.request.user, **form.cleaned_data)
        return f"已评估：{item.clause.display_code} {item.get_result_display()}"

    def success_url(self, review):
        return f"{review.get_absolute_url()}#item-{self.item.pk}"


@register_model_view(
    QuarterlyReview, "accept", path="items/<int:item_pk>/accept", url_name="reviewitem_accept"
)
class ReviewItemAcceptView(ReviewItemAssessView):
    """自查: the officer accepts what the evidence shows (符合 / 不适用)."""

    def get_form(self):
        self.item = get_object_or_404(self.object.items.select_related("clause"), pk=self.kwargs["item_pk"])
        return AcceptEvidenceForm(self.request.POST)

    def form_name_for(self, form):
        self.item_errors = {self.item.pk: form}
        return "item_form"

    def perform(self, form, review):
        item = services.accept_evidence(self.item, by=self.request.user, note=form.cleaned_data["note"])
        return f"已采纳证据：{item.clause.display_code} {item.get_result_display()}"


@register_model_view(QuarterlyReview, "finding_add", path="findings/add", url_name="finding_add")
class FindingAddView(ObjectActionMixin, QuarterlyReviewView):
    form_name = "finding_form"

    def get_form(self):
        return FindingForm(self.request.POST, review=self.object)

    def perform(self, form, review):
        finding = services.add_finding(review, by=self.request.user, **form.cleaned_data)
        return f"已登记发现：{finding.title}（责任人将收到提醒）。"


@register_model_view(QuarterlyReview, "circulate")
class CirculateView(ObjectActionMixin, QuarterlyReviewView):
    form_class = CirculateForm
    form_name = "circulate_form"

    def perform(self, form, review):
        count = services.circulate(review, form.cleaned_data["departments"], by=self.request.user)
        names = "、".join(d.name for d in form.cleaned_data["departments"])
        return f"已向{names}通报（新增接收人 {count} 人）。"


@register_model_view(QuarterlyReview, "sign_off")
class SignOffView(ObjectActionMixin, QuarterlyReviewView):
    form_class = SignOffForm
    form_name = "sign_off_form"

    def perform(self, form, review):
        review = services.sign_off(review, by=self.request.user, summary=form.cleaned_data["summary"])
        state = review.obligation.display_state() if review.obligation else ""
        if review.is_self_inspection:
            return f"已签发{review}。自查义务：{state}。自查报告正在后台生成。"
        return f"已签发{review}。季度评估义务：{state}。"


@register_model_view(QuarterlyReview, "circulation")
class CirculationView(ObjectView):
    """The circulated results, as a recipient reads them; opening it records the reading. The
    information centre sees who received and who has read."""

    model = QuarterlyReview
    template_name = "audits/quarterlyreview_circulation.html"
    tab = "circulation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        services.mark_read(review, self.request.user)
        context.update(
            recipients=list(
                review.circulations.select_related(
                    "department", "user__profile", "sent_by__profile"
                ).order_by("department__code", "user__username")
            ),
            findings=list(review.findings.select_related("owner__profile", "department")),
            counts=review.items.values("result").annotate(n=Count("pk")).order_by("result"),
        )
        return context


@login_required
def review_pdf(request, pk):
    review = visible_object_or_404(QuarterlyReview, request.user, pk)
    if review.is_self_inspection:
        # The signed-off self-inspection's PDF is the one the worker built.
        if not review.pdf_file:
            raise Http404("自查报告尚未生成。")
        with review.pdf_file.open("rb") as handle:
            content = handle.read()
        return pdf_response(
            request, content, f"self-inspection-{review.year}.pdf", document="self_inspection", obj=review
        )
    return pdf_response(
        request,
        review_pdf_bytes(review, user=request.user),
        f"quarterly-review-{review.year}-Q{review.quarter}.pdf",
        document="quarterly_review",
        obj=review,
    )
