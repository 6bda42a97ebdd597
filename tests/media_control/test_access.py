"""The access contract (tests/access.py) applied to the media ledger: pages at /removable-media/,
API /api/media/. A classified medium is the need-to-know record."""

from media_control.models import Medium
from tests.access import AccessContract

from .factories import MediumFactory


class TestMediumAccess(AccessContract):
    model = Medium
    api_list = "api:medium-list"
    api_detail = "api:medium-detail"
    api_update = {"brand": "闪迪"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        # A classified (机密) medium is need-to-know: its custodian, officers and the secrecy office.
        return MediumFactory(department=department, classified=restricted)


class TestMediumAccessForSecrecyOffice(TestMediumAccess):
    global_role = "secrecy_office"
