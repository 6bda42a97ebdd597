"""Every declared model's list and detail page issue the same number of queries with one row as
with several (DESIGN.md "Scale to plan for"; issue #14).

The models come from the registry (``szmz_security/core/registry.py`` ``declarations()``), so a
model declared tomorrow is counted too; its rows from its factory (the one the access contract
uses). Each page is viewed by the model's global role (sees every row: the rows really render) and
by a plain member of the owning department (the access rule's union of id sets). Notifications
and the audit log are personal or officers-only pages with their own rows: tests/core/test_query_counts.py.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from szmz_security.core import registry
from szmz_security.org.roles import ROLES, permission_matches
from tests.factories import UserFactory
from tests.test_access_contract import contracts, factory_for

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 4
COVERED_ELSEWHERE = {"obligations.Notification", "auditlog.AuditEvent"}


def declared():
    get_resolver().url_patterns  # noqa: B018 - apps declare their models when their views load
    return [
        d
        for d in registry.declarations()
        if "list" in d.url_names and d.model._meta.label not in COVERED_ELSEWHERE
    ]


def global_role(model):
    """A role viewing every record of the model (security officers where they do)."""
    perm = f"view_{model._meta.model_name}"
    viewers = [
        role.code
        for role in ROLES
        if permission_matches(role, model._meta.app_label, perm) and "*" not in role.permissions
    ]
    return "security_officer" if "security_officer" in viewers else viewers[0]


def table_rows(response):
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", response.content.decode(), re.S)
    return len(re.findall(r"<tr\b", body.group(1))) if body else 0


def measure(client, url):
    client.get(url)  # warm the process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response, [q["sql"] for q in queries.captured_queries]


def make_rows(declaration, department, n):
    """n records of the department: from the model's factory, else its access contract's maker."""
    model = declaration.model
    factory = factory_for(model)
    if factory is None:
        contract = next((cls for cls in contracts() if cls.model is model), None)
        assert contract is not None, f"{model._meta.label} has neither a factory nor an access contract"
        return [contract().make_record(department) for _ in range(n)]
    if declaration.department_scoped:
        return [factory(department=department) for _ in range(n)]
    return [factory() for _ in range(n)]


@pytest.mark.parametrize("viewer", ["global", "department"])
@pytest.mark.parametrize("declaration", declared(), ids=lambda d: d.model._meta.label)
def test_list_and_detail_queries_do_not_grow_with_rows(client, department, declaration, viewer):
    model = declaration.model
    if viewer == "department" and not declaration.department_scoped:
        pytest.skip(f"{model._meta.label} is not department-owned")
    roles = [global_role(model), "staff"] if viewer == "global" else ["staff"]
    client.force_login(UserFactory(roles=roles, departments=[department]))
    subject, *_ = make_rows(declaration, department, FEW)
    pages = {"list": reverse(declaration.url_names["list"])}
    if "detail" in declaration.url_names:
        pages["detail"] = reverse(declaration.url_names["detail"], args=[subject.pk])

    few = {name: measure(client, url) for name, url in pages.items()}
    make_rows(declaration, department, MANY - FEW)
    many = {name: measure(client, url) for name, url in pages.items()}

    if viewer == "global":
        assert table_rows(many["list"][1]) > table_rows(few["list"][1]) > 0
    for name in pages:
        (few_count, _, few_sql), (many_count, _, many_sql) = few[name], many[name]
        assert many_count == few_count, "\n".join(
            [f"{name}: extra queries with more rows:", *many_sql[len(few_sql) :]]
        )
