"""The classified documents register's screens: the register, the custodians filed with the
办公室 and the yearly secrecy-period reviews, declared once (core.registry); a document's page
with its circulation and the 传阅/归还/清退/销毁 actions (services)."""

import datetime

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin
from szmz_security.org.models import display_name

from . import api, filters, forms, services, tables
from .models import ClassifiedDocument, DocumentCustodian, SecrecyPeriodReview


def field_rows(obj, exclude=("id",)):
    """(label, text) for each concrete field of a record, for the pages' 基本信息 card."""
    User = get_user_model()
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
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
        elif isinstance(value, datetime.date):
            text = value.strftime("%Y-%m-%d")
        else:
            text = "—" if value in (None, "") else str(value)
        rows.append((field.verbose_name, text))
    return rows


DOCUMENTS = register_model(
    ClassifiedDocument,
    path="documents",
    related=("department", "custodian__profile"),
    table=tables.ClassifiedDocumentTable,
    filterset=filters.ClassifiedDocumentFilterSet,
    form=forms.ClassifiedDocumentForm,
    viewset=api.ClassifiedDocumentViewSet,
    serializer=api.ClassifiedDocumentSerializer,
    title="涉密文件资料登记",
    export_filename="classified-documents",
)
CUSTODIANS = register_model(
    DocumentCustodian,
    path="document-custodians",
    related=("department", "person__profile"),
    table=tables.DocumentCustodianTable,
    filterset=filters.DocumentCustodianFilterSet,
    form=forms.DocumentCustodianForm,
    serializer=api.DocumentCustodianSerializer,
    actions=("list", "detail", "add", "edit", "delete", "history"),
    title="涉密文件管理人备案",
    export_filename="document-custodians",
)
REVIEWS = register_model(
    SecrecyPeriodReview,
    path="period-reviews",
    related=("department", "reviewed_by__profile"),
    table=tables.SecrecyPeriodReviewTable,
    filterset=filters.SecrecyPeriodReviewFilterSet,
    form=forms.SecrecyPeriodReviewForm,
    viewset=api.SecrecyPeriodReviewViewSet,
    serializer=api.SecrecyPeriodReviewSerializer,
    title="保密期限年度审查",
    export_filename="secrecy-period-reviews",
)


class FieldRowsView(DetailFormsMixin):
    template_name = "secrecy/record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("object") is not None and getattr(self, "content_visible", True):
            context["field_rows"] = field_rows(self.object)
        return context


@register_model_view(DocumentCustodian, "detail")
class DocumentCustodianView(FieldRowsView, CUSTODIANS.generic_view("detail")):
    related = ("department", "person__profile")


@register_model_view(SecrecyPeriodReview, "detail")
class SecrecyPeriodReviewView(FieldRowsView, REVIEWS.generic_view("detail")):
    related = ("department", "reviewed_by__profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["declassified"] = list(self.object.declassified.all())
        return context


@register_model_view(SecrecyPeriodReview, "add")
@register_model_view(SecrecyPeriodReview, "edit")
class SecrecyPeriodReviewEditView(REVIEWS.generic_view("edit")):
    def save_form(self, form):
        review = form.save(commit=False)
        if review.pk is None:
            return services.record_period_review(
                review, declassified=list(form.cleaned_data.get("declassified") or ()), by=self.request.user
            )
        review.save()
        return review


@register_model_view(ClassifiedDocument, "add")
@register_model_view(ClassifiedDocument, "edit")
class ClassifiedDocumentEditView(DOCUMENTS.generic_view("edit")):
    def save_form(self, form):
        return services.save_document(form.save(commit=False), by=self.request.user)


@register_model_view(ClassifiedDocument, "detail")
class ClassifiedDocumentView(FieldRowsView, DOCUMENTS.generic_view("detail")):
    template_name = "secrecy/classifieddocument.html"
    related = ("department", "custodian__profile", "witness__profile")

    def default_forms(self):
        today = timezone.localdate()
        return {
            "lend_form": forms.CirculationForm(initial={"lent_on": today}),
            "return_form": forms.ReturnForm(initial={"returned_on": today}),
            "dispose_form": forms.DisposalForm(initial={"closed_on": today}),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.content_visible:
            context["circulations"] = list(
                self.object.circulations.select_related("recipient__profile", "obligation")
            )
        context["may_act"] = context.get("can_change") and self.content_visible and not self.object.is_closed
        context["today"] = timezone.localdate()
        return context


@register_model_view(ClassifiedDocument, "lend")
class LendView(ObjectActionMixin, ClassifiedDocumentView):
    form_name = "lend_form"
    form_class = forms.CirculationForm

    def perform(self, form, document):
        circulation = services.lend(document, by=self.request.user, **form.cleaned_data)
        return f"已登记传阅/借阅：{circulation.recipient}，应于{circulation.due_on:%Y-%m-%d}前归还。"


@register_model_view(ClassifiedDocument, "return", path="circulations/<int:circulation_pk>/return")
class ReturnView(ObjectActionMixin, ClassifiedDocumentView):
    form_name = "return_form"
    form_class = forms.ReturnForm

    def perform(self, form, document):
        circulation = get_object_or_404(document.circulations.all(), pk=self.kwargs["circulation_pk"])
        services.return_document(circulation, by=self.request.user, **form.cleaned_data)
        return "已登记归还。"


class DisposeView(ObjectActionMixin, ClassifiedDocumentView):
    form_name = "dispose_form"
    form_class = forms.DisposalForm
    service = None

    def perform(self, form, document):
        data = form.cleaned_data
        document = self.service(
            document,
            on=data["closed_on"],
            method=data["disposal_method"],
            witness=data["witness"],
            by=self.request.user,
        )
        return f"已登记：{document.get_status_display()}。"


@register_model_view(ClassifiedDocument, "return_to_issuer")
class ReturnToIssuerView(DisposeView):
    service = staticmethod(services.return_to_issuer)


@register_model_view(ClassifiedDocument, "destroy")
class DestroyView(DisposeView):
    service = staticmethod(services.destroy)
