"""Schema fuzzing: every API operation, with examples generated from the OpenAPI schema, answers
no 5xx and nothing the schema does not describe (issue #13, "Proof in the suite").

schemathesis drives the Django app in-process through WSGI, as a security officer holding an API
token (the widest API role that is not the Django admin). The examples are bounded and derandomised,
so a run is repeatable; it costs two to three minutes of CPU (56 operations).
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from media_control.models import Checkout
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MachineRoomFactory
from tests.factories import IncidentFactory, ObligationFactory
from tests.media_control.factories import MediumFactory

EXAMPLES_PER_OPERATION = 5
CHECKS = [not_a_server_error, response_schema_conformance]


# Built by drf-spectacular as /api/schema/ serves it, without asking the view: the schema
# endpoint's own access rule is not what this test is about.
api = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
api.app = get_wsgi_application()


@pytest.fixture
def api_records(officer, department):
    """One record of each kind the API lists, so list and detail responses have rows to validate,
    including the optional fields left empty (an obligation without a subject). Returns the id
    to put in each resource's ``{id}``: a generated id would only ever find 404."""
    now = timezone.now()
    medium = MediumFactory(department=department)
    Checkout.objects.create(
        medium=medium,
        requester=officer,
        purpose="数据拷贝",
        zone=medium.zone,
        expected_return_at=now + timedelta(days=1),
    )
    ip = IPAssignmentFactory(subnet__department=department)
    return {
        "departments": department.pk,
        "media": medium.pk,
        "incidents": IncidentFactory(department=department).pk,
        "obligations": ObligationFactory(department=department).pk,
        "assets": AssetFactory(department=department).pk,
        "subnets": ip.subnet.pk,
        "ip-assignments": ip.pk,
        "machine-rooms": MachineRoomFactory(department=department).pk,
    }


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django's WSGI handler closes the database connection after each request, which would end
    the test's transaction; the test client disconnects the same signal for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(officer):
    return {"Authorization": f"Token {Token.objects.create(user=officer).key}"}


@api.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure report is readable as it is
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_answers_as_its_schema_says(case, api_records, token_headers, wsgi_keeps_the_test_connection):
    resource = case.path.split("/")[2]  # "/api/media/{id}/checkouts/" -> "media"
    if "id" in (case.path_parameters or {}) and resource in api_records:
        case.path_parameters["id"] = api_records[resource]
    # Each request in its own savepoint, rolled back: as in production, where every request is its
    # own transaction, a refused write (PostgreSQL aborts the transaction on a failed statement)
    # must not fail the next request, and every example starts from the same records.
    with transaction.atomic():
        response = case.call(headers=token_headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
