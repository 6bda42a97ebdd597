"""The access contract (tests/access.py) applied to the asset register and the machine rooms:
pages at /assets/ and /assets/machine-rooms/, API /api/assets/ and /api/machine-rooms/.

Neither model has a need-to-know marking (``restricted_field = None``): the contract's tests
about restricted records do not apply and are skipped with that reason; per-object grants are
still checked on an ordinary record of another department.
"""

import pytest

from assets.models import Asset, MachineRoom
from szmz_security.org.access import grant
from tests.access import AccessContract
from tests.assets.factories import AssetFactory, MachineRoomFactory


class NoNeedToKnow:
    @pytest.fixture
    def restricted_record(self):
        pytest.skip(f"{self.model.__name__} has no need-to-know marking")

    def test_record_granted_to_a_person_of_another_department(self, client, outsider, record):
        grant("view", outsider, record)
        assert self.get_as(client, outsider, self.url("detail", record)).status_code == 200
        assert self.shows(self.list_page(client, outsider), record)

    def test_global_role_sees_every_department(self, client, global_user, record, foreign_record):
        for obj in (record, foreign_record):
            assert self.get_as(client, global_user, self.url("detail", obj)).status_code == 200
        html = self.list_page(client, global_user)
        assert self.shows(html, record) and self.shows(html, foreign_record)
        assert self.get_as(client, global_user, self.url("edit", foreign_record)).status_code == 200

    def test_csv_export_holds_only_the_departments_rows(self, client, staff, record, foreign_record):
        cells = self.csv_cells(client, staff)
        assert self.label(record) in cells
        assert self.label(foreign_record) not in cells


class TestAssetAccess(NoNeedToKnow, AccessContract):
    model = Asset
    api_list = "api:asset-list"
    api_detail = "api:asset-detail"
    api_update = {"location": "市民政局大楼 8 楼 803"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        return AssetFactory(department=department)

    def label(self, obj):
        return obj.number


class TestMachineRoomAccess(NoNeedToKnow, AccessContract):
    model = MachineRoom
    api_list = "api:machineroom-list"
    api_detail = "api:machineroom-detail"
    api_update = {"location": "市民政局大楼 3 楼"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        return MachineRoomFactory(department=department)
