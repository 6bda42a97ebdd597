"""Personal-information inventory screens: the inventories (list, detail with the yearly review,
add, edit, history) and the destruction records (list, detail, add, history)."""

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin, ObjectEditView, ObjectView

from . import services
from .api import PersonalDataDestructionViewSet, PersonalDataInventoryViewSet
from .filters import PersonalDataDestructionFilterSet, PersonalDataInventoryFilterSet
from .forms import InventoryReviewForm, PersonalDataDestructionForm, PersonalDataInventoryForm
from .models import PersonalDataDestruction, PersonalDataInventory
from .tables import PersonalDataDestructionTable, PersonalDataInventoryTable

register_model(
    PersonalDataInventory,
    path="personal-data",
    related=("department",),
    table=PersonalDataInventoryTable,
    filterset=PersonalDataInventoryFilterSet,
    form=PersonalDataInventoryForm,
    viewset=PersonalDataInventoryViewSet,
    api_path="personal-data-inventories",
    title="个人信息处理清单",
    export_filename="personal-data-inventory",
)
register_model(
    PersonalDataDestruction,
    path="personal-data-destructions",
    related=("department", "inventory", "performed_by__profile", "witness__profile"),
    table=PersonalDataDestructionTable,
    filterset=PersonalDataDestructionFilterSet,
    form=PersonalDataDestructionForm,
    viewset=PersonalDataDestructionViewSet,
    actions=("list", "detail", "add", "history"),
    templates={"detail": "audits/personaldatadestruction.html"},
    title="个人信息销毁记录",
    export_filename="personal-data-destructions",
)


@register_model_view(PersonalDataInventory, "add")
@register_model_view(PersonalDataInventory, "edit")
class PersonalDataInventoryEditView(ObjectEditView):
    model = PersonalDataInventory
    form_class = PersonalDataInventoryForm

    def save_form(self, form):
        return services.save_inventory(form.save(commit=False), by=self.request.user)


@register_model_view(PersonalDataDestruction, "add")
class PersonalDataDestructionEditView(ObjectEditView):
    model = PersonalDataDestruction
    form_class = PersonalDataDestructionForm

    def save_form(self, form):
        return services.record_destruction(form.save(commit=False), by=self.request.user)


@register_model_view(PersonalDataInventory, "detail")
class PersonalDataInventoryView(DetailFormsMixin, ObjectView):
    model = PersonalDataInventory
    template_name = "audits/personaldatainventory.html"

    def default_forms(self):
        return {"review_form": InventoryReviewForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["destructions"] = (
            PersonalDataDestruction.objects.visible_to(self.request.user)
            .filter(inventory=self.object)
            .select_related("performed_by__profile", "witness__profile")[:20]
        )
        return context


@register_model_view(PersonalDataInventory, "review")
class PersonalDataInventoryReviewView(ObjectActionMixin, PersonalDataInventoryView):
    form_class = InventoryReviewForm
    form_name = "review_form"

    def perform(self, form, obj):
        services.review_inventory(obj, by=self.request.user, note=form.cleaned_data["note"])
        return f"已完成{obj}的年度核查。"
