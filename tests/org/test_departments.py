"""The department directory (org:department_list), declared once in szmz_security/org/views.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_signed_in_user_reads_the_directory_and_filters_it(client):
    office = DepartmentFactory(code="BGS", name="办公室")
    DepartmentFactory(code="ZSDW", name="福利中心", kind="unit", parent=office)
    client.force_login(UserFactory())  # no role, no department
    page = client.get(reverse("org:department_list")).content.decode()
    assert "办公室" in page and "福利中心" in page
    units = client.get(reverse("org:department_list"), {"kind": "unit"}).content.decode()
    assert "福利中心" in units and "BGS" not in units


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("org:department_list"))
    assert response.status_code == 302 and "login" in response.url


def test_the_directory_reads_a_constant_number_of_queries(client):
    client.force_login(UserFactory())
    parent = DepartmentFactory()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("org:department_list")).status_code == 200
        return len(queries)

    count()
    DepartmentFactory.create_batch(2, parent=parent)
    few = count()
    DepartmentFactory.create_batch(20, parent=parent)
    assert count() == few
