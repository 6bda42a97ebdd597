"""The access contract (tests/access.py) applied to the public accounts: pages at /public-accounts/,
API /api/public-accounts/ (writable). No need-to-know marking: the contract's restricted-record
tests are skipped with that reason, as for the asset register. The yearly reviews are covered by the
contract generated from their declaration."""

from publishing.models import PublicAccount
from tests.access import AccessContract
from tests.assets.test_assets_access import NoNeedToKnow
from tests.publishing.factories import PublicAccountFactory


class TestPublicAccountAccess(NoNeedToKnow, AccessContract):
    model = PublicAccount
    api_list = "api:publicaccount-list"
    api_detail = "api:publicaccount-detail"
    api_update = {"note": "年度核查后更新备注"}
    global_role = "information_officer"
    read_only_role = "inspector"

    def make_record(self, department, restricted=False):
        return PublicAccountFactory(department=department)

    def label(self, obj):
        return obj.name
