"""The list pages' count (szmz_security/core/pagination.py, issue #14): exact up to a limit, then
PostgreSQL's estimate shown as "约 N 条"; SQLite always counts exactly."""

import re

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from szmz_security.core.pagination import EstimatedCountPaginator
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def shown_count(response):
    return re.search(r'data-testid="table-count">([^<]*)<', response.content.decode()).group(1)


def test_a_list_within_the_limit_shows_the_exact_count(client, officer, department):
    IncidentFactory.create_batch(3, department=department)
    client.force_login(officer)
    assert shown_count(client.get("/incidents/")) == "共 3 条"


def test_a_list_over_the_limit_shows_an_estimate_on_postgresql(client, officer, department, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 2)
    monkeypatch.setattr("szmz_security.core.views.ObjectListView.paginate_by", 2)
    IncidentFactory.create_batch(5, department=department)
    client.force_login(officer)
    response = client.get("/incidents/")
    assert response.status_code == 200
    text = shown_count(response)
    if connection.vendor != "postgresql":
        assert text.startswith("共 5 条")
        return
    # Never below what was counted (3 = the limit + 1), whatever the planner thinks.
    estimate = int(re.match(r"约 (\d+) 条", text).group(1))
    assert estimate >= 3
    # A page past the estimate still opens (empty) rather than jumping elsewhere.
    assert client.get("/incidents/?page=50").status_code == 200


def api_list(client, user, path):
    token, _ = Token.objects.get_or_create(user=user)
    response = client.get(path, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    return response.json()


def test_the_api_counts_exactly_within_the_limit(client, staff, department):
    IncidentFactory.create_batch(3, department=department, restricted=False)
    body = api_list(client, staff, "/api/incidents/")
    assert body["count"] == 3
    assert body["count_estimated"] is False
    assert len(body["results"]) == 3


def test_the_api_over_the_limit_gives_the_estimate_and_says_so_on_postgresql(
    client, staff, department, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 2)
    IncidentFactory.create_batch(5, department=department, restricted=False)
    body = api_list(client, staff, "/api/incidents/")
    assert len(body["results"]) == 5  # the page itself is whole: only the count is estimated
    if connection.vendor != "postgresql":
        assert (body["count"], body["count_estimated"]) == (5, False)
        return
    assert body["count_estimated"] is True
    assert body["count"] >= 3  # never below what was counted (the limit + 1)
