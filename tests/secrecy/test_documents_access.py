"""The access contract (tests/access.py) on the classified documents register. A document is
need-to-know: its department's members do not see a restricted one; the 保密办 (global role) and
the custodian do. Inspectors see them all (global view permission) but cannot read the content."""

from django.contrib.auth import get_user_model

from secrecy.models import ClassifiedDocument, DocumentCustodian, SecrecyPeriodReview
from szmz_security.org.models import display_name
from tests.access import AccessContract
from tests.audits.test_access import NoNeedToKnow
from tests.secrecy.factories import (
    ClassifiedDocumentFactory,
    DocumentCustodianFactory,
    SecrecyPeriodReviewFactory,
)


class TestClassifiedDocumentAccess(AccessContract):
    model = ClassifiedDocument
    global_role = "secrecy_office"
    api_update = {"note": "改过的备注"}

    def make_record(self, department, restricted=False):
        return ClassifiedDocumentFactory(department=department, restricted=restricted)

    def label(self, obj):
        return obj.number


class TestDocumentCustodianAccess(NoNeedToKnow, AccessContract):
    model = DocumentCustodian
    global_role = "secrecy_office"
    api_update = {"note": "改过的备注"}

    def make_record(self, department, restricted=False):
        return DocumentCustodianFactory(
            department=department,
            person=get_user_model().objects.create(
                username=f"custodian-{department.code}-{DocumentCustodian.objects.count()}"
            ),
        )

    def label(self, obj):
        return display_name(obj.person)


class TestSecrecyPeriodReviewAccess(NoNeedToKnow, AccessContract):
    model = SecrecyPeriodReview
    global_role = "secrecy_office"
    api_update = {"note": "改过的说明"}

    def make_record(self, department, restricted=False):
        return SecrecyPeriodReviewFactory(department=department, note=f"审查说明-{department.code}")

    def label(self, obj):
        return obj.note
