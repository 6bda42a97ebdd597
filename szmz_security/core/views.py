"""Generic, permission-aware views that serve every app (DESIGN.md "Layout").

Every one of them takes its rows from ``Model.objects.visible_to(user, action)``, the one access
rule: a record outside the user's view answers 404, a visible record the user may not change
answers 403. App views subclass these and set ``model``, ``table_class``, ``filterset_class``,
``form_class``; nothing else about access is written again.
"""

import contextlib
import csv

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.generic import DeleteView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.data import TableData

from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import can_read_content, is_restricted

from .forms import add_service_errors, style_filter_form
from .history import history_entries
from .pagination import EstimatedCountPaginator
from .uploads import files_removed_on_error


class Echo:
    """A file-like object whose write returns the value, for streaming CSV."""

    def write(self, value):
        return value


def url_name(model, action):
    """``incidents:incident_list`` etc. (NetBox naming)."""
    return (
        f"{model._meta.app_label}:{model._meta.model_name}_{action}"
        if action
        else (f"{model._meta.app_label}:{model._meta.model_name}")
    )


class ObjectAccessMixin(LoginRequiredMixin):
    """Resolves the object under the access rule for the view's ``action``."""

    model = None
    action = "view"
    # What the page reads of related rows, fetched with the record.
    related = ()

    def visible(self, action="view"):
        return self.model.objects.visible_to(self.request.user, action)

    def get_queryset(self):
        return self.visible("view").select_related(*self.related)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.action != "view" and not self.visible(self.action).filter(pk=obj.pk).exists():
            raise PermissionDenied("您没有权限修改该记录。")
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_meta"] = self.model._meta
        context["urls"] = object_urls(self.model, getattr(self, "object", None))
        return context


def object_urls(model, obj):
    """The list / detail / edit / delete / history URLs of a record, where the app has them."""
    urls = {}
    for key, action, with_pk in (
        ("list", "list", False),
        ("detail", "", True),
        ("edit", "edit", True),
        ("delete", "delete", True),
        ("history", "history", True),
    ):
        if with_pk and (obj is None or obj.pk is None):
            continue
        with contextlib.suppress(NoReverseMatch):
            urls[key] = reverse(url_name(model, action), args=[obj.pk] if with_pk else [])
    if obj is not None and obj.pk is not None and hasattr(model.objects, "content_visible_to"):
        # One sharing screen serves every department-owned record (szmz_security/org/sharing.py).
        urls["sharing"] = reverse("org:sharing", args=[model._meta.label_lower, obj.pk])
    return urls


class ObjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """Paginated, filterable list with CSV export of the filtered rows (audited)."""

    model = None
    template_name = "generic/object_list.html"
    paginate_by = 25
    export_filename = None
    actions = ("add", "export")
    title = None
    # What each row's columns read, fetched with the rows (constant queries per page), and what
    # they count (``{"assignment_count": Count("assignments")}``) in the same query.
    related = ()
    annotations = {}
    # Counts exactly up to 10,000 rows, then shows PostgreSQL's estimate (core/pagination.py).
    paginator_class = EstimatedCountPaginator

    def get_queryset(self):
        queryset = (
            self.model.objects.visible_to(self.request.user, "view")
            .select_related(*self.related)
            .annotate(**self.annotations)
        )
        if hasattr(queryset, "with_content_access"):
            # Tables and exports redact the content of restricted rows (content_readable).
            queryset = queryset.with_content_access(self.request.user)
        return queryset

    def get_paginate_by(self, data):
        # Only the table paginates (django-tables2 passes its TableData here); Django's list
        # view must not paginate the queryset a second time.
        return self.paginate_by if isinstance(data, TableData) else None

    def get_table_kwargs(self):
        # No request here: a table given one paginates itself at once with Django's Paginator
        # (a second, full COUNT); get_table's RequestConfig hands it the request and paginates once.
        return {}

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        style_filter_form(filterset.form)
        return filterset

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv" and "export" in self.actions:
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    def export_csv(self):
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        table = self.get_table_class()(queryset, request=self.request)
        record(
            AuditEvent.Kind.EXPORT,
            request=self.request,
            model=self.model._meta.label,
            query=self.request.GET.urlencode(),
        )
        writer = csv.writer(Echo())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.export_filename or self.model._meta.model_name}-{stamp}.csv"
        # A BOM so that Excel opens the Chinese text correctly.
        rows = (writer.writerow(row) for row in table.as_values(exclude_columns=("actions",)))
        response = StreamingHttpResponse(
            (line for part in (["\ufeff"], rows) for line in part), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opts = self.model._meta
        context.update(
            title=self.title or opts.verbose_name_plural,
            model_meta=opts,
            add_url=self.add_url(),
            export_query=self.request.GET.copy().urlencode(),
        )
        return context

    def add_url(self):
        if "add" not in self.actions or not self.request.user.has_perm(
            f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"
        ):
            return None
        return reverse(url_name(self.model, "add"))


class ObjectView(ObjectAccessMixin, DetailView):
    """Detail page; sensitive models (``audit_views``) and every restricted record write a view
    event to the audit log. A reader without content access (need-to-know, org/access.py) gets
    the redacted page: existence, dates and deadlines only."""

    template_name = "generic/object.html"
    redacted_template_name = "generic/object_redacted.html"
    tab = "detail"
    content_visible = True

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.content_visible = can_read_content(self.request.user, obj)
        if getattr(self.model, "audit_views", False) or is_restricted(obj):
            record(AuditEvent.Kind.VIEW, request=self.request, obj=obj, content=self.content_visible)
        return obj

    def get_template_names(self):
        if not self.content_visible:
            return [self.redacted_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        obj = self.object
        context.update(
            tab=self.tab,
            can_change=self.visible("change").filter(pk=obj.pk).exists(),
            can_delete=self.visible("delete").filter(pk=obj.pk).exists(),
        )
        context["user_is_officer"] = user.has_perm(
            f"{self.model._meta.app_label}.change_{self.model._meta.model_name}"
        )
        context["content_visible"] = self.content_visible
        if not self.content_visible:
            context.update(redacted_context(obj))
        return context


def field_display(obj, field):
    display = getattr(obj, f"get_{field.name}_display", None)
    return display() if display else getattr(obj, field.name)


def redacted_context(obj):
    """What a reader without content access may see: the model's public fields and the record's
    deadlines with whether they were met (not the obligations' titles, which quote the record)."""
    fields = [obj._meta.get_field(name) for name in obj.restricted_public_fields]
    return {
        "public_fields": [(field.verbose_name, field_display(obj, field)) for field in fields],
        "deadlines": Obligation.objects.filter(
            subject_type__app_label=obj._meta.app_label,
            subject_type__model=obj._meta.model_name,
            subject_id=obj.pk,
        ),
    }


class ObjectHistoryView(ObjectAccessMixin, DetailView):
    """The History tab: every change with its author, reason and field-by-field differences
    (content: refused to a reader without content access)."""

    template_name = "generic/object_history.html"
    paginate_by = 20

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not can_read_content(self.request.user, obj):
            raise PermissionDenied("该记录知悉范围受限，您无权查看其内容。")
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(
            # The profile too: each entry shows its author's name (display_name).
            self.object.history.select_related("history_user__profile").order_by(
                "-history_date", "-history_id"
            ),
            self.paginate_by,
        ).get_page(self.request.GET.get("page"))
        context.update(tab="history", page_obj=page, entries=history_entries(self.object, page))
        return context


class ObjectEditView(ObjectAccessMixin, UpdateView):
    """Create (no pk in the URL) or edit. The form receives the user, so it can limit the
    departments offered to those the user may file for."""

    template_name = "generic/object_edit.html"
    action = "change"

    def get_object(self, queryset=None):
        if self.kwargs.get(self.pk_url_kwarg) is None:
            if not self.request.user.has_perm(
                f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"
            ):
                raise PermissionDenied("您没有权限新建该类记录。")
            return None
        return super().get_object(queryset)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    # Service error keys that name a differently called form field.
    field_map = {}

    def save_form(self, form):
        """Where an app calls its service instead of a plain save (e.g. filing an incident)."""
        return form.save()

    def success_message(self, obj):
        return f"已保存：{obj}"

    def form_valid(self, form):
        """Nothing half-saved: the record and whatever its service adds commit together, and files
        the service stored (``self.stored_files``) go again if it fails. A service's refusal
        (ValidationError) goes next to its field (400), and a record being created stays new."""
        creating = form.instance.pk is None
        try:
            with files_removed_on_error() as self.stored_files, transaction.atomic():
                self.object = self.save_form(form)
        except ValidationError as error:
            if creating:
                # The insert was rolled back: the form must not look like an edit now.
                form.instance.pk = None
                form.instance._state.adding = True
                self.object = None
            add_service_errors(form, error, self.field_map)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, self.success_message(self.object))
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_new"] = self.object is None
        return context


class ObjectDeleteView(ObjectAccessMixin, DeleteView):
    """Deletion always asks for confirmation (GET shows the page, POST deletes)."""

    template_name = "generic/object_delete.html"
    action = "delete"

    def get_success_url(self):
        return reverse(url_name(self.model, "list"))

    def perform_delete(self, obj):
        """Where an app calls its service (which may refuse with a ValidationError)."""
        obj.delete()

    def form_valid(self, form):
        name = str(self.object)
        # A record still referenced (ProtectedError) is answered by core.errors.ConflictMiddleware.
        try:
            with transaction.atomic():
                self.perform_delete(self.object)
        except ValidationError as error:
            messages.error(self.request, "；".join(error.messages))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(self.request, f"已删除：{name}")
        return HttpResponseRedirect(self.get_success_url())


class DetailFormsMixin:
    """A detail page carrying the forms of its actions; a refused action re-renders the page with
    its bound form (``forms``) open (``open_form``)."""

    forms = None
    open_form = None

    def default_forms(self):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forms = self.default_forms()
        forms.update(self.forms or {})
        context.update(forms)
        context["open_form"] = self.open_form
        return context


class ObjectActionMixin:
    """The one action view (DESIGN.md "Layout"): a POST from a detail page that calls one service.

    Put it before the model's detail view (``class RiskCloseView(ObjectActionMixin, RiskView)``)
    and write ``perform(form, obj)``, which calls the service and returns the success message.
    The record comes from ``visible_to(user, action)`` (404 if invisible, 403 if the action is not
    allowed), acting needs its content (need-to-know), and ``allowed`` may add a rule of the app.
    The service runs in one transaction, with files it stores removed again if it fails; its
    ValidationError goes next to the form's fields (``field_map`` renames service keys) and the
    detail page is re-rendered with that form open (400). Nothing is half-saved."""

    http_method_names = ["post"]
    form_class = None
    form_name = None
    action = "change"
    field_map = {}
    denied_message = "您没有权限执行此操作。"

    def get_object(self, queryset=None):
        # Under the access rule (ObjectAccessMixin), without the detail page's VIEW audit event.
        obj = super(ObjectView, self).get_object(queryset)
        self.content_visible = can_read_content(self.request.user, obj)
        return obj

    def allowed(self, user, obj):
        return True

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES)

    def form_name_for(self, form):
        return self.form_name

    def success_url(self, obj):
        return obj.get_absolute_url()

    def perform(self, form, obj):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = obj = self.get_object()
        if not self.content_visible or not self.allowed(request.user, obj):
            raise PermissionDenied(self.denied_message)
        form = self.get_form()
        if form.is_valid():
            try:
                with files_removed_on_error() as self.stored_files, transaction.atomic():
                    message = self.perform(form, obj)
            except ValidationError as error:
                add_service_errors(form, error, self.field_map)
                obj.refresh_from_db()
            else:
                messages.success(request, message)
                return redirect(self.success_url(obj))
        name = self.form_name_for(form)
        self.forms = {name: form}
        self.open_form = name
        return self.render_to_response(self.get_context_data(object=obj), status=400)


def visible_object_or_404(model, user, pk, action="view"):
    """For function views: the object under the rule, 404 if invisible, 403 if not allowed.
    ``action="content"``: the record's content (files, PDFs), 403 without need-to-know."""
    obj = get_object_or_404(model.objects.visible_to(user, "view"), pk=pk)
    if action == "content":
        if not can_read_content(user, obj):
            raise PermissionDenied("该记录知悉范围受限，您无权查看其内容。")
    elif action != "view" and not model.objects.visible_to(user, action).filter(pk=pk).exists():
        raise PermissionDenied
    return obj


__all__ = [
    "DetailFormsMixin",
    "Http404",
    "ObjectActionMixin",
    "ObjectDeleteView",
    "ObjectEditView",
    "ObjectHistoryView",
    "ObjectListView",
    "ObjectView",
    "visible_object_or_404",
]
