"""Public-account screens: the register of the bureau's accounts (list, detail, add, edit,
history) and their yearly reviews, with the review's completion on its page."""

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin, ObjectEditView, ObjectView

from . import services
from .api import PublicAccountReviewViewSet, PublicAccountViewSet
from .filters import PublicAccountFilterSet, PublicAccountReviewFilterSet
from .forms import CompleteReviewForm, PublicAccountForm
from .models import PublicAccount, PublicAccountReview
from .tables import PublicAccountReviewTable, PublicAccountTable

register_model(
    PublicAccount,
    path="public-accounts",
    related=("department", "content_officer__profile"),
    table=PublicAccountTable,
    filterset=PublicAccountFilterSet,
    form=PublicAccountForm,
    viewset=PublicAccountViewSet,
    templates={"detail": "publishing/publicaccount.html"},
    title="公众账号",
    export_filename="public-accounts",
)
register_model(
    PublicAccountReview,
    path="public-account-reviews",
    related=("department", "account", "reviewer__profile"),
    table=PublicAccountReviewTable,
    filterset=PublicAccountReviewFilterSet,
    viewset=PublicAccountReviewViewSet,
    actions=("list", "detail", "history"),
    title="公众账号年度核查",
    export_filename="public-account-reviews",
)


@register_model_view(PublicAccount, "add")
@register_model_view(PublicAccount, "edit")
class PublicAccountEditView(ObjectEditView):
    model = PublicAccount
    form_class = PublicAccountForm

    def save_form(self, form):
        account = form.save(commit=False)
        services.save_account(account, by=self.request.user, reason="登记/修改公众账号")
        form.save_m2m()
        return account


@register_model_view(PublicAccountReview, "detail")
class PublicAccountReviewView(DetailFormsMixin, ObjectView):
    model = PublicAccountReview
    template_name = "publishing/publicaccountreview.html"

    def default_forms(self):
        return {"complete_form": CompleteReviewForm()}


@register_model_view(PublicAccountReview, "complete")
class PublicAccountReviewCompleteView(ObjectActionMixin, PublicAccountReviewView):
    form_class = CompleteReviewForm
    form_name = "complete_form"

    def perform(self, form, obj):
        services.complete_review(obj, by=self.request.user, **form.cleaned_data)
        return f"已完成{obj}。"
