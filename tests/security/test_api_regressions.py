"""What the schema fuzzing found (issue #13), each pinned by a direct test that names it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from media_control.models import Checkout
from tests.factories import IncidentFactory, ObligationFactory
from tests.media_control.factories import MediumFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_an_instant_before_1901_is_written_in_utc(client, officer, department):
    """Asia/Shanghai before 1901 is local mean time (+08:05:43), which RFC 3339 cannot write: the
    API gives such an instant in UTC instead of an offset with seconds."""
    incident = IncidentFactory(
        department=department, discovered_at=datetime(1899, 12, 31, 12, 0, tzinfo=SHANGHAI)
    )
    client.force_login(officer)
    body = client.get(reverse("api:incident-detail", args=[incident.pk])).json()
    assert body["discovered_at"] == "1899-12-31T03:54:17Z"


def test_an_ordinary_instant_keeps_the_bureau_offset(client, officer, department):
    incident = IncidentFactory(
        department=department, discovered_at=datetime(2026, 3, 1, 9, 30, tzinfo=SHANGHAI)
    )
    client.force_login(officer)
    body = client.get(reverse("api:incident-detail", args=[incident.pk])).json()
    assert body["discovered_at"] == "2026-03-01T09:30:00+08:00"


def test_an_obligation_about_no_record_has_a_null_subject(client, officer, department):
    ObligationFactory(department=department)
    client.force_login(officer)
    row = client.get(reverse("api:obligation-list")).json()["results"][0]
    assert row["subject_type"] is None and row["subject_id"] is None
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    assert schema["components"]["schemas"]["Obligation"]["properties"]["subject_type"]["nullable"] is True


def test_a_mediums_checkouts_are_a_page_like_every_list(client, officer, department):
    medium = MediumFactory(department=department)
    checkout = Checkout.objects.create(
        medium=medium,
        requester=officer,
        purpose="数据拷贝",
        zone=medium.zone,
        expected_return_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(officer)
    body = client.get(reverse("api:medium-checkouts", args=[medium.pk])).json()
    assert body["count"] == 1 and [row["id"] for row in body["results"]] == [checkout.pk]
    # Not returned yet: no condition, which the schema allows (a blank choice).
    assert body["results"][0]["condition"] == ""
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    condition = schema["components"]["schemas"]["Checkout"]["properties"]["condition"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in condition["oneOf"]
