"""Classified personnel (涉密人员) and secrecy education (保密教育): declared once; the roster's
page carries the leaving (离岗) and release (解除脱密期) actions, which call the services."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.views import DetailFormsMixin, ObjectActionMixin, ObjectEditView, ObjectView
from szmz_security.org.models import display_name

from . import api, filters, forms, services, tables
from .models import ClassifiedPerson, SecrecyEducation

PEOPLE = register_model(
    ClassifiedPerson,
    path="classified-people",
    related=("department", "person__profile"),
    table=tables.ClassifiedPersonTable,
    filterset=filters.ClassifiedPersonFilterSet,
    form=forms.ClassifiedPersonForm,
    viewset=api.ClassifiedPersonViewSet,
    serializer=api.ClassifiedPersonSerializer,
    title="涉密人员名册",
    export_filename="classified-people",
)
EDUCATION = register_model(
    SecrecyEducation,
    path="secrecy-education",
    related=("department",),
    table=tables.SecrecyEducationTable,
    filterset=filters.SecrecyEducationFilterSet,
    form=forms.SecrecyEducationForm,
    viewset=api.SecrecyEducationViewSet,
    serializer=api.SecrecyEducationSerializer,
    title="保密教育记录",
    export_filename="secrecy-education",
)


def field_rows(obj, exclude=("id", "restricted")):
    """(label, text) for each concrete field, for the 基本信息 card."""
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
            text = getattr(obj, f"get_{field.name}_display")() or "—"
        elif isinstance(value, datetime.date):
            text = value.strftime("%Y-%m-%d")
        else:
            text = "—" if value in (None, "") else str(value)
        rows.append((field.verbose_name, text))
    return rows


# --- the roster ----------------------------------------------------------------------------------


class ClassifiedPersonEditView(ObjectEditView):
    model = ClassifiedPerson
    form_class = forms.ClassifiedPersonForm

    def save_form(self, form):
        return services.save_person(form.save(commit=False))


register_model_view(ClassifiedPerson, "add")(ClassifiedPersonEditView)
register_model_view(ClassifiedPerson, "edit")(ClassifiedPersonEditView)


@register_model_view(ClassifiedPerson, "detail")
class ClassifiedPersonView(DetailFormsMixin, ObjectView):
    model = ClassifiedPerson
    template_name = "secrecy/classifiedperson.html"
    related = ("department", "person__profile", "reviewer__profile", "declassification_obligation")

    def default_forms(self):
        return {"leave_form": forms.LeavePostForm(), "release_form": forms.ReleaseForm()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        if self.content_visible:
            context["field_rows"] = field_rows(
                obj, exclude=("id", "restricted", "declassification_obligation")
            )
            context["months"] = obj.declassification_months()
            context["release_open"] = (
                obj.status == ClassifiedPerson.Status.DECLASSIFYING
                and obj.declassification_ends_on is not None
                and obj.declassification_ends_on <= timezone.localdate()
            )
        return context


@register_model_view(ClassifiedPerson, "leave")
class ClassifiedPersonLeaveView(ObjectActionMixin, ClassifiedPersonView):
    form_class = forms.LeavePostForm
    form_name = "leave_form"

    def perform(self, form, person):
        person = services.leave_post(person, by=self.request.user, **form.cleaned_data)
        return f"已办理离岗，脱密期至 {person.declassification_ends_on:%Y-%m-%d}。"


@register_model_view(ClassifiedPerson, "release")
class ClassifiedPersonReleaseView(ObjectActionMixin, ClassifiedPersonView):
    form_class = forms.ReleaseForm
    form_name = "release_form"

    def perform(self, form, person):
        services.confirm_release(person, by=self.request.user, **form.cleaned_data)
        return "已解除脱密期管理。"


# --- secrecy education ---------------------------------------------------------------------------


class SecrecyEducationEditView(ObjectEditView):
    model = SecrecyEducation
    form_class = forms.SecrecyEducationForm

    def save_form(self, form):
        return services.save_education(form, by=self.request.user)


register_model_view(SecrecyEducation, "add")(SecrecyEducationEditView)
register_model_view(SecrecyEducation, "edit")(SecrecyEducationEditView)
register_model_view(SecrecyEducation, "list")(
    type(
        "SecrecyEducationListView",
        (EDUCATION.generic_view("list"),),
        {"annotations": {"attendee_count": Count("attendees")}},
    )
)


@register_model_view(SecrecyEducation, "detail")
class SecrecyEducationView(ObjectView):
    model = SecrecyEducation
    template_name = "secrecy/secrecyeducation.html"
    related = ("department",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.object.held_on.year
        context["field_rows"] = field_rows(self.object)
        context["attendees"] = list(self.object.attendees.select_related("profile").order_by("username"))
        context["year"] = year
        # Who is still missing is personal data of the roster: only the rows the user may read.
        readable = ClassifiedPerson.objects.content_visible_to(self.request.user).values("pk")
        context["missing"] = list(
            services.education_missing(year).filter(pk__in=readable).select_related("person__profile")
        )
        return context
