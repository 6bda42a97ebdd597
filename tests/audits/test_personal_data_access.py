"""The access contract (tests/access.py) applied to the personal-information inventory: pages at
/audits/personal-data/, API /api/personal-data-inventories/ (writable). No need-to-know marking: the
contract's restricted-record tests are skipped with that reason, as for the asset register. The
destruction records are covered by the contract generated from their declaration."""

from audits.models import PersonalDataInventory
from tests.access import AccessContract
from tests.assets.test_assets_access import NoNeedToKnow
from tests.audits.factories import PersonalDataInventoryFactory


class TestPersonalDataInventoryAccess(NoNeedToKnow, AccessContract):
    model = PersonalDataInventory
    api_list = "api:personaldatainventory-list"
    api_detail = "api:personaldatainventory-detail"
    api_update = {"storage_location": "政务云（二期）"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        return PersonalDataInventoryFactory(department=department)

    def label(self, obj):
        return obj.dataset
