"""The access matrix (issue #13): every URL pattern the resolver knows, the API router's included,
answers each kind of visitor as ``tests/access_matrix.py`` says.

The visitors: an anonymous one, one user per role of the roles module (each a member of the
department that owns the records, so the role is what differs), and a member of another
department. A route without an expectation fails ``test_every_route_has_an_access_expectation``.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from szmz_security.org.roles import ROLES
from tests.access_matrix import EXPECTATIONS, NAMESPACES, POSTS
from tests.factories import UserFactory
from tests.security.matrix import ALLOWED, FORBIDDEN, LOGIN, NOT_FOUND, routes
from tests.security.world import build

ANONYMOUS, OTHER_DEPARTMENT = "anonymous", "other_department"
VISITORS = [ANONYMOUS, *(role.code for role in ROLES), OTHER_DEPARTMENT]


def expectation_for(route):
    if route.key in EXPECTATIONS:
        return EXPECTATIONS[route.key]
    return NAMESPACES.get(route.namespace.split(":")[0])


def test_every_route_has_an_access_expectation():
    missing = [f"  {route.key!r}  ({route.route})" for route in routes() if expectation_for(route) is None]
    assert not missing, (
        "These routes have no access expectation. Add one line each to EXPECTATIONS in "
        "tests/access_matrix.py saying who may open them (its docstring lists the kinds):\n"
        + "\n".join(missing)
    )


def test_every_expectation_names_a_route():
    known = {route.key for route in routes()}
    stale = sorted(set(EXPECTATIONS) - known)
    assert not stale, f"tests/access_matrix.py names routes that no longer exist; remove them: {stale}"


def url_for(route, expectation, world):
    """The route's URL, its kwargs taken from the world's record (the admin: placeholder ids,
    as its sign-in wrapper answers before looking anything up)."""
    pattern = route.pattern.pattern
    if route.namespace == "admin":
        names = list(pattern.regex.groupindex)
        if pattern.regex.groups > len(names):  # positional groups (simple-history's admin views)
            return reverse(route.key, args=["1"] * pattern.regex.groups)
        return reverse(route.key, kwargs={n: "auth" if n == "app_label" else "1" for n in names})
    if expectation.record is None:
        assert not pattern.regex.groups, (
            f"{route.key} takes URL kwargs: name the record that fills them in tests/access_matrix.py, "
            'e.g. view("incident") or signed_in("vendor") (records: tests/security/world.py)'
        )
        return reverse(route.key)
    # Only the kwargs the pattern takes: a route may be decided by a record it does not name.
    accepted = set(pattern.regex.groupindex)
    kwargs = {k: v for k, v in world.kwargs(expectation.record).items() if k in accepted}
    return reverse(route.key, kwargs=kwargs)


def outcome(response):
    if response.status_code == 401:
        return LOGIN
    if response.status_code in (301, 302):
        path = urlsplit(response["Location"]).path
        if path in (resolve_url(settings.LOGIN_URL), reverse("admin:login")):
            return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return ALLOWED


def probe(client, route, url, world):
    """GET the URL; a route that answers 405 takes POST only, so it gets an empty POST (or the
    body POSTS gives). Either runs in a savepoint rolled back afterwards: an action must not
    change what the next route sees."""
    with transaction.atomic():
        try:
            response = client.post(url, POSTS[route.key](world)) if route.key in POSTS else client.get(url)
            if response.status_code == 405:
                if route.is_api:
                    response = client.post(url, {}, content_type="application/json")
                else:
                    response = client.post(url, {})
        except Exception as error:  # noqa: BLE001 - reported with the route, with the others
            return f"error {type(error).__name__}: {error}", None
        finally:
            transaction.set_rollback(True)
    return outcome(response), response


@pytest.fixture
def visitor_user(request, department, other_department):
    code = request.param
    if code == ANONYMOUS:
        return None
    if code == OTHER_DEPARTMENT:
        return UserFactory(username="matrix-outsider", roles=["staff"], departments=[other_department])
    role = next(role for role in ROLES if role.code == code)
    return UserFactory(
        username=f"matrix-{code}", roles=[code], departments=[department], is_staff=role.admin_site
    )


@pytest.mark.parametrize("visitor_user", VISITORS, indirect=True)
def test_each_route_answers_each_visitor_as_the_matrix_says(
    client, settings, tmp_path, department, visitor_user
):
    settings.MEDIA_ROOT = tmp_path
    author = UserFactory(username="matrix-author", roles=["staff"], departments=[department])
    world = build(department, author)
    if visitor_user is not None:
        client.force_login(visitor_user)
    wrong = []
    for route in routes():
        expectation = expectation_for(route)
        if expectation is None or (route.key == route.route):  # unnamed: covered by its namespace
            continue
        staff = visitor_user is not None and visitor_user.is_staff
        if route.namespace == "admin" and staff and route.pattern.pattern.regex.groups:
            continue  # placeholder ids mean nothing past the admin's sign-in wrapper
        url = url_for(route, expectation, world)
        wanted = expectation.anonymous if visitor_user is None else expectation.expect(visitor_user, world)
        wanted = wanted if isinstance(wanted, tuple) else (wanted,)
        got, response = probe(client, route, url, world)
        if got not in wanted:
            status = response.status_code if response is not None else "-"
            wrong.append(
                f"  {route.key}  {url}: expected {'/'.join(wanted)} by {expectation!r}, got {got} ({status})"
            )
        if (
            visitor_user is not None
            and response is not None
            and settings.SESSION_COOKIE_NAME in response.cookies
        ):
            client.force_login(visitor_user)  # the route signed the visitor out (logout)
    assert not wrong, f"{len(wrong)} routes answer otherwise than tests/access_matrix.py says:\n" + "\n".join(
        wrong
    )
