"""The access contract (tests/access.py) applied to the IP plan and the reconciliation runs:
pages under /assets/subnets/, /assets/ip-assignments/, /assets/reconciliations/ and their API."""

import pytest

from assets.models import IPAssignment, Reconciliation, Subnet
from assets.reconciliation import services as rec
from szmz_security.core.choices import NetworkZone
from szmz_security.org.models import display_name
from tests.access import AccessContract
from tests.assets.factories import IPAssignmentFactory, SubnetFactory
from tests.factories import DepartmentFactory, UserFactory


class NoRestrictedFlag:
    """These models have no need-to-know flag: the contract's "restricted" record is a record of a
    third department, which the department's members must not see either, unless granted."""

    @pytest.fixture
    def restricted_record(self, db):
        return self.make_record(DepartmentFactory(code="MZJ3", name="第三处室"))


class TestSubnetAccess(NoRestrictedFlag, AccessContract):
    model = Subnet
    api_list = "api:subnet-list"
    api_detail = "api:subnet-detail"
    api_update = {"name": "改名后的网段"}

    def make_record(self, department, restricted=False):
        return SubnetFactory(department=department)

    def label(self, obj):
        return obj.cidr


class TestIPAssignmentAccess(NoRestrictedFlag, AccessContract):
    model = IPAssignment
    api_list = "api:ipassignment-list"
    api_detail = "api:ipassignment-detail"
    api_update = {"hostname": "pc-renamed"}

    def make_record(self, department, restricted=False):
        subnet = SubnetFactory(department=department)
        return IPAssignmentFactory(subnet=subnet, ip=str(subnet.network[10]))


class TestReconciliationAccess(NoRestrictedFlag, AccessContract):
    model = Reconciliation
    api_list = "api:reconciliation-list"
    api_detail = "api:reconciliation-detail"
    api_update = None  # runs are created from a scan and resolved through actions, never PATCHed

    def make_record(self, department, restricted=False):
        uploader = UserFactory(username=f"uploader-{department.code}", roles=["security_officer"])
        return rec.start_reconciliation(
            zone=NetworkZone.GOV_INTRANET,
            by=uploader,
            rows=[{"ip": "10.250.0.1", "mac": "02:aa:00:00:00:01"}],
            department=department,
        )

    def label(self, obj):
        # Every run here reads “2026年11月 政务内网 IP/MAC 核查”: told apart by who uploaded it.
        return display_name(obj.uploaded_by)
