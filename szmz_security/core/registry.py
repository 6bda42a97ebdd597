"""One declaration per model (DESIGN.md "Layout"), in the spirit of NetBox's ``register_model_view``.

A sub-domain's ``views.py`` declares each of its models once::

    register_model(
        Risk,
        path="risks",
        related=("department", "owner__profile"),  # select_related for the list's rows
        table=RiskTable,
        filterset=RiskFilterSet,
        form=RiskForm,
        title="风险台账",
        export_filename="risks",
    )

and marks the views with real behaviour beside the generated ones::

    @register_model_view(Risk, "detail")          # replaces the generated detail page
    class RiskView(DetailFormsMixin, ObjectView): ...

    @register_model_view(Risk, "accept")          # /risks/<pk>/accept/, name audits:risk_accept
    class RiskAcceptView(ObjectActionMixin, RiskView): ...

From that the app's ``urls.py`` takes ``model_urls("audits")`` (list, add, detail, edit, delete,
history and every marked view, under the NetBox names ``audits:risk_list``, ``audits:risk`` …), its
``api_urls.py`` takes ``api_router("audits")`` (a viewset per model with a serializer, through the
access rule), and ``tests/test_access_contract.py`` runs the access contract on every declared
department-scoped model. Nothing here imports a feature app: apps register themselves.
"""

from dataclasses import dataclass, field

from django.urls import path as url_path
from rest_framework.routers import SimpleRouter

from .api import DepartmentScopedSerializer, DepartmentScopedViewSet, ReadOnlyScopedViewSet
from .views import ObjectDeleteView, ObjectEditView, ObjectHistoryView, ObjectListView, ObjectView

# The generic views, their URL suffix and whether they take the record's pk.
GENERIC_VIEWS = {
    "list": (ObjectListView, "", False),
    "add": (ObjectEditView, "add/", False),
    "detail": (ObjectView, "", True),
    "edit": (ObjectEditView, "edit/", True),
    "delete": (ObjectDeleteView, "delete/", True),
    "history": (ObjectHistoryView, "history/", True),
}
DEFAULT_ACTIONS = ("list", "detail", "add", "edit", "history")


@dataclass
class ModelView:
    """A hand-written view marked for a model: a generic one replaced, or an extra route."""

    view: object
    name: str
    path: str | None
    detail: bool
    url_name: str | None


@dataclass
class ModelDeclaration:
    model: type
    path: str
    table: type | None = None
    filterset: type | None = None
    form: type | None = None
    serializer: type | None = None
    viewset: type | None = None
    api_path: str | None = None
    actions: tuple = DEFAULT_ACTIONS
    title: str | None = None
    export_filename: str | None = None
    templates: dict = field(default_factory=dict)
    related: tuple = ()

    @property
    def app_label(self):
        return self.model._meta.app_label

    @property
    def model_name(self):
        return self.model._meta.model_name

    def url_name(self, action, qualified=True):
        """NetBox names: ``risk_list``, ``risk`` (the detail page), ``risk_edit`` …, unless the view
        marked for the action names its own (a page that kept its older name)."""
        marked = _marked(self.model).get(action)
        if marked is not None and marked.url_name:
            name = marked.url_name
        else:
            name = self.model_name if action == "detail" else f"{self.model_name}_{action}"
        return f"{self.app_label}:{name}" if qualified else name

    @property
    def url_names(self):
        """The generic pages this model has, by action (what the access contract opens)."""
        actions = set(self.actions) | {name for name in _marked(self.model) if name in GENERIC_VIEWS}
        return {action: self.url_name(action) for action in GENERIC_VIEWS if action in actions}

    @property
    def department_scoped(self):
        """Owned by a department: the access contract applies (DESIGN.md §1)."""
        return hasattr(self.model.objects, "content_visible_to")

    def generic_view(self, action):
        base = GENERIC_VIEWS[action][0]
        attrs = {"model": self.model, "__module__": self.model.__module__}
        if action == "list":
            attrs.update(
                table_class=self.table,
                filterset_class=self.filterset,
                title=self.title,
                export_filename=self.export_filename,
                related=self.related,
                actions=tuple(a for a in ("add", "export") if a in self.actions or a == "export"),
            )
        elif action in ("add", "edit"):
            attrs["form_class"] = self.form
        if action in self.templates:
            attrs["template_name"] = self.templates[action]
        name = {"detail": "", "add": "Edit"}.get(action, action.capitalize())
        return type(f"{self.model.__name__}{name}View", (base,), attrs)

    def view(self, action):
        """The view serving a generic action: the hand-written one if marked, else generated."""
        marked = _marked(self.model).get(action)
        return marked.view if marked else self.generic_view(action)

    def urlpatterns(self):
        prefix = f"{self.path}/" if self.path else ""
        patterns = []
        marked = _marked(self.model)
        for action, (_base, suffix, detail) in GENERIC_VIEWS.items():
            if action in self.actions or action in marked:
                route = f"{prefix}<int:pk>/{suffix}" if detail else f"{prefix}{suffix}"
                patterns.append(
                    url_path(route, _as_view(self.view(action)), name=self.url_name(action, False))
                )
        for name, extra in marked.items():
            if name in GENERIC_VIEWS:
                continue
            suffix = extra.path if extra.path is not None else name.replace("_", "-")
            suffix = f"{suffix}/" if suffix else ""  # path="": the prefix itself (``board/``)
            route = f"{prefix}<int:pk>/{suffix}" if extra.detail else f"{prefix}{suffix}"
            patterns.append(url_path(route, _as_view(extra.view), name=self.url_name(name, False)))
        return patterns

    def api_viewset(self):
        if self.viewset is not None:
            return self.viewset
        writable = "edit" in self.actions
        base = DepartmentScopedViewSet if writable and self.department_scoped else ReadOnlyScopedViewSet
        attrs = {
            "model": self.model,
            "serializer_class": self.serializer,
            "__module__": self.model.__module__,
        }
        if self.filterset is not None:
            attrs["filterset_class"] = self.filterset
        return type(f"{self.model.__name__}ViewSet", (base,), attrs)


_declarations: dict = {}
_views: dict = {}


def _marked(model):
    return _views.get(model._meta.label_lower, {})


def _as_view(view):
    return view.as_view() if hasattr(view, "as_view") else view


def register_model(model, *, path, **options):
    """Declare a model once; see the module docstring."""
    declaration = ModelDeclaration(model=model, path=path, **options)
    key = model._meta.label_lower
    if key in _declarations:
        raise ValueError(f"{model._meta.label} is declared twice")
    _declarations[key] = declaration
    return declaration


def register_model_view(model, name, *, path=None, detail=True, url_name=None):
    """Mark a hand-written view (class or function) of ``model``: ``name`` is a generic action it
    replaces ("list", "detail", "add", "edit", "delete", "history") or an extra route, under the
    record (``detail=True``: ``<prefix>/<pk>/<path>/``) or the list (``<prefix>/<path>/``); ``path``
    defaults to the name with hyphens (``path=""``: the prefix itself), the URL name to
    ``<model>_<name>`` (``url_name`` keeps an older name, for a generic action too)."""

    def decorator(view):
        _views.setdefault(model._meta.label_lower, {})[name] = ModelView(view, name, path, detail, url_name)
        return view

    return decorator


def declarations(app_label=None):
    return [d for d in _declarations.values() if app_label is None or d.app_label == app_label]


def declaration(model):
    return _declarations[model._meta.label_lower]


def model_urls(app_label):
    """Every declared model's URL patterns for the app's ``urls.py``."""
    return [pattern for d in declarations(app_label) for pattern in d.urlpatterns()]


def api_router(app_label):
    """The app's own API router: one viewset per declared model that has a serializer or viewset.
    An app registers its other endpoints on the router it gets back."""
    router = SimpleRouter()
    for d in declarations(app_label):
        if d.serializer is not None or d.viewset is not None:
            router.register(d.api_path or d.path, d.api_viewset(), basename=d.model_name)
    return router


__all__ = [
    "DepartmentScopedSerializer",
    "ModelDeclaration",
    "api_router",
    "declaration",
    "declarations",
    "model_urls",
    "register_model",
    "register_model_view",
]
