"""The access contract (tests/access.py) on emergency plans and drills: pages at
/audits/emergency-plans/ and /audits/emergency-drills/, API /api/emergency-plans/ and
/api/emergency-drills/ (no need-to-know marking: the restricted-record tests are skipped,
per-object grants checked on a plain record)."""

from audits.models import EmergencyDrill, EmergencyPlan
from tests.access import AccessContract
from tests.assets.test_assets_access import NoNeedToKnow
from tests.audits.factories import EmergencyDrillFactory, EmergencyPlanFactory


class TestEmergencyPlanAccess(NoNeedToKnow, AccessContract):
    model = EmergencyPlan
    api_update = {"scope": "全部民政业务系统"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        return EmergencyPlanFactory(department=department)


class TestEmergencyDrillAccess(NoNeedToKnow, AccessContract):
    model = EmergencyDrill
    api_update = {"participant_text": "外包运维人员 2 名"}
    global_role = "security_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        return EmergencyDrillFactory(department=department)
