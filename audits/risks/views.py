"""Risk register screens: the register, its heat map, and a risk's acceptance, review and closing."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from szmz_security.core.forms import style_filter_form
from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin, ObjectEditView, ObjectView

from .. import risk_levels
from . import services
from .filters import RiskFilterSet
from .forms import RiskAcceptForm, RiskCloseForm, RiskForm, RiskReviewForm
from .models import Risk
from .tables import RiskTable

declaration = register_model(
    Risk,
    path="risks",
    table=RiskTable,
    filterset=RiskFilterSet,
    form=RiskForm,
    title="风险台账",
    export_filename="risks",
    related=("department", "owner__profile", "project"),
    templates={"list": "audits/risk_list.html"},
)


@register_model_view(Risk, "heatmap", path="heat-map", detail=False)
class RiskHeatMapView(LoginRequiredMixin, TemplateView):
    """5×5 heat map of open risks (likelihood × severity), coloured by level, each count linking
    to the filtered list. One aggregate query whatever the number of risks."""

    template_name = "audits/risk_heatmap.html"
    title = "风险热力图"

    def get_queryset(self):
        return Risk.objects.visible_to(self.request.user, "view")

    def get_context_data(self, **kwargs):
        filterset = RiskFilterSet(
            self.request.GET or {"status": Risk.Status.OPEN},
            queryset=self.get_queryset(),
            request=self.request,
        )
        style_filter_form(filterset.form)
        queryset = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        params = self.request.GET.copy()
        if "status" not in params:
            params["status"] = Risk.Status.OPEN
        for name in ("likelihood", "severity", "page"):
            params.pop(name, None)
        limits = risk_levels.cutoffs()
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "filter": filterset,
            "rows": services.heat_map(queryset),
            "severities": range(1, 6),
            "base_query": params.urlencode(),
            "legend": [
                (risk_levels.LEVEL_LABELS[level], risk_levels.LEVEL_BADGES[level], text)
                for level, text in (
                    (risk_levels.MAJOR, f"≥ {limits['major']}"),
                    (risk_levels.SIGNIFICANT, f"{limits['significant']}–{limits['major'] - 1}"),
                    (risk_levels.GENERAL, f"{limits['general']}–{limits['significant'] - 1}"),
                    (risk_levels.LOW, f"< {limits['general']}"),
                )
            ],
        }


@register_model_view(Risk, "detail")
class RiskView(DetailFormsMixin, ObjectView):
    model = Risk
    template_name = "audits/risk.html"
    related = ("department", "owner__profile", "project", "accepted_by__profile", "review_obligation")

    def default_forms(self):
        return {
            "accept_form": RiskAcceptForm(),
            "review_form": RiskReviewForm(),
            "close_form": RiskCloseForm(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_accept"] = (
            services.can_accept(self.request.user, self.object) and self.object.status == Risk.Status.OPEN
        )
        return context


@register_model_view(Risk, "add")
@register_model_view(Risk, "edit")
class RiskEditView(ObjectEditView):
    model = Risk
    form_class = RiskForm

    def save_form(self, form):
        return services.save_risk(form.save(commit=False), by=self.request.user)

    def success_message(self, risk):
        return f"已保存：{risk}（{risk.get_level_display()}风险）"


@register_model_view(Risk, "accept")
class RiskAcceptView(ObjectActionMixin, RiskView):
    form_class = RiskAcceptForm
    form_name = "accept_form"
    action = "view"

    def allowed(self, user, risk):
        return services.can_accept(user, risk)

    def perform(self, form, risk):
        services.accept_risk(risk, by=self.request.user, **form.cleaned_data)
        return f"已批准接受该风险，有效期至 {form.cleaned_data['expires']:%Y-%m-%d}。"


@register_model_view(Risk, "review")
class RiskReviewView(ObjectActionMixin, RiskView):
    form_class = RiskReviewForm
    form_name = "review_form"

    def perform(self, form, risk):
        services.review_risk(risk, by=self.request.user, **form.cleaned_data)
        return "已记录复核。"


@register_model_view(Risk, "close")
class RiskCloseView(ObjectActionMixin, RiskView):
    form_class = RiskCloseForm
    form_name = "close_form"

    def perform(self, form, risk):
        services.close_risk(risk, by=self.request.user, reason=form.cleaned_data["reason"])
        return "风险已关闭。"
