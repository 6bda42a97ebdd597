"""The access contract (tests/access.py) applied to obligations: list, detail and history pages,
the meet / waive actions, and the read-only API at /api/obligations/."""

from django.utils import timezone

from szmz_security.obligations.models import Obligation
from tests.access import AccessContract
from tests.factories import ObligationFactory


class TestObligationAccess(AccessContract):
    model = Obligation
    api_list = "api:obligation-list"
    api_detail = "api:obligation-detail"
    api_update = None  # obligations are read through the API, closed in the UI
    post_actions = {"meet": "obligations:obligation_meet", "waive": "obligations:obligation_waive"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        return ObligationFactory(department=department, restricted=restricted)

    def post_data(self, name):
        if name == "meet":
            met_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
            return {"met_at": met_at, "evidence": "回执编号 2026-001"}
        return {"reason": "事件经核实为误报"}

    def test_api_is_read_only(self, client, officer, record):
        """Even an officer, who may change obligations, cannot write through the API."""
        client.force_login(officer)
        url = self.api_url(record)
        assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 405
        assert client.delete(url).status_code == 405
        record.refresh_from_db()
        assert record.title != "x"
