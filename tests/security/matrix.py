"""The vocabulary of the access matrix (``tests/access_matrix.py``) and the walk over the resolver.

An expectation answers, for one person, what a route must do: let them in, send them to sign in,
or refuse them (403, or 404 when the record is not theirs to know about). Who may do what is
never written as a list of role names: it is read from the permissions the roles module gives
(``user.has_perm``), so a role that is split or renamed needs no change here.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from szmz_security.org.access import MANAGE_DEPARTMENT_PERMISSION, global_permission
from szmz_security.org.models import Department as DepartmentModel
from szmz_security.org.roles import user_role_codes

# What a response was: let in, sent to (a) sign-in page, refused as 403 or as 404.
ALLOWED, LOGIN, FORBIDDEN, NOT_FOUND = "allowed", "login", "403", "404"


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the pattern itself for an unnamed route
    namespace: str
    pattern: URLPattern
    route: str  # the full pattern, for messages

    @property
    def is_api(self):
        return self.namespace == "api"


def routes():
    """Every URL pattern the resolver knows, included ones and the API router's, once per name
    (the router's ``.json`` suffix variants share their route's name and its access)."""
    seen = {}

    def walk(patterns, prefix, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
                continue
            namespace = ":".join(namespaces)
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            key = name or route
            seen.setdefault(key, Route(key, namespace, pattern, route))

    walk(get_resolver().url_patterns, "", [])
    return list(seen.values())


# --- expectations -----------------------------------------------------------------------------


class Expectation:
    """``expect(user, world)`` -> ALLOWED, FORBIDDEN or NOT_FOUND for a signed-in user; what an
    anonymous visitor gets is ``anonymous`` (LOGIN unless the route is public)."""

    anonymous = LOGIN
    record = None  # the world's key of the record the route's URL names, if any

    def expect(self, user, world):
        raise NotImplementedError


class Public(Expectation):
    """Anyone, signed in or not (the sign-in page, the health check)."""

    anonymous = ALLOWED

    def expect(self, user, world):
        return ALLOWED

    def __repr__(self):
        return "PUBLIC"


class SignOut(Expectation):
    """Signing out: open to anyone, signed in or not; it may end on the sign-in page."""

    anonymous = (ALLOWED, LOGIN)

    def expect(self, user, world):
        return (ALLOWED, LOGIN)

    def __repr__(self):
        return "SIGN_OUT"


class SignedIn(Expectation):
    """Any signed-in user (lists filter their rows by the access rule, tested per model)."""

    def __init__(self, record=None):
        self.record = record

    def expect(self, user, world):
        return ALLOWED

    def __repr__(self):
        return f"signed_in({self.record or ''})"


class Perm(Expectation):
    """A signed-in user holding any of the global permissions; others 403 (or ``denied``)."""

    def __init__(self, *permissions, record=None, denied=FORBIDDEN):
        self.permissions, self.record, self.denied = permissions, record, denied

    def expect(self, user, world):
        return ALLOWED if any(user.has_perm(p) for p in self.permissions) else self.denied

    def __repr__(self):
        return f"perm({', '.join(self.permissions)})"


class Department(Expectation):
    """A department-scoped record, by the one access rule (DESIGN.md §1): 404 for whoever may
    not view it (another department), 403 for a viewer without the ``action`` right (change:
    the global permission, or 处室负责人 of the record's department), and, with ``permission``,
    also 403 for a viewer who lacks that global permission (e.g. handling an incident)."""

    def __init__(self, record, action="view", permission=None, role=None):
        self.record, self.action, self.permission, self.role = record, action, permission, role

    def may(self, user, obj, action):
        if user.has_perm(global_permission(type(obj), action)):
            return True
        member = DepartmentModel.objects.filter(group__user=user, pk=obj.department_id).exists()
        return member and (action == "view" or user.has_perm(MANAGE_DEPARTMENT_PERMISSION))

    def expect(self, user, world):
        obj = world.record(self.record)
        if not self.may(user, obj, "view"):
            return NOT_FOUND
        if self.action != "view" and not self.may(user, obj, self.action):
            return FORBIDDEN
        holds_role = self.role is not None and self.role.code in user_role_codes(user)
        if self.permission and not (user.has_perm(self.permission) or holds_role):
            return FORBIDDEN
        return ALLOWED

    def __repr__(self):
        return f"department({self.record}, {self.action})"


class Own(Expectation):
    """Only the user the record belongs to (``field``); to everyone else it does not exist."""

    def __init__(self, record, field="recipient"):
        self.record, self.field = record, field

    def expect(self, user, world):
        record = world.record(self.record)
        recipients = getattr(record, "recipients", None)  # a notification names its recipients
        owner = (
            user.pk in recipients
            if recipients is not None
            else getattr(record, f"{self.field}_id") == user.pk
        )
        return ALLOWED if owner else NOT_FOUND

    def __repr__(self):
        return f"own({self.record})"


class AdminSite(Expectation):
    """The Django admin: one wrapper sends whoever is not staff to the admin's sign-in; a staff
    member gets what their model permissions say (403 without them)."""

    def expect(self, user, world):
        # Staff visitors are probed only on the pages naming no object (see the test).
        return (ALLOWED, FORBIDDEN) if user.is_staff else LOGIN

    def __repr__(self):
        return "ADMIN_SITE"


PUBLIC = Public()
SIGNED_IN = SignedIn()
SIGN_OUT = SignOut()
ADMIN_SITE = AdminSite()
signed_in = SignedIn
perm = Perm
department = Department
own = Own
