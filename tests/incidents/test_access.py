"""The access contract (tests/access.py) applied to incidents: pages at /incidents/, API /api/incidents/."""

from incidents.models import Incident
from tests.access import AccessContract
from tests.factories import IncidentFactory


class TestIncidentAccess(AccessContract):
    model = Incident
    api_list = "api:incident-list"
    api_detail = "api:incident-detail"
    api_update = {"title": "经核实后更正的标题"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        # A secret leak (涉及泄密) is what makes an incident need-to-know.
        return IncidentFactory(department=department, secret_leak=restricted)


class TestIncidentAccessForSecrecyOffice(TestIncidentAccess):
    """保密办 handles leaks: it holds the global view (and change) permission on incidents too."""

    global_role = "secrecy_office"
