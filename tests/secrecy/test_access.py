"""The access contract (tests/access.py) on the secrecy personnel and archive records, with their
writable APIs. A classified person's record is need-to-know (``restricted``); education sessions
and archive series have no marking, so their "restricted" record is one of a third department."""

import pytest

from secrecy.models import ArchiveSeries, ClassifiedPerson, SecrecyEducation
from tests.access import AccessContract
from tests.factories import DepartmentFactory
from tests.secrecy.factories import ArchiveSeriesFactory, ClassifiedPersonFactory, SecrecyEducationFactory


class TestClassifiedPersonAccess(AccessContract):
    model = ClassifiedPerson
    global_role = "secrecy_office"
    api_update = {"post": "改过的涉密岗位"}

    def make_record(self, department, restricted=False):
        return ClassifiedPersonFactory(department=department, restricted=restricted)


class ThirdDepartmentAsRestricted:
    @pytest.fixture
    def restricted_record(self, department, db):
        return self.make_record(DepartmentFactory(code="MZJ3", name="第三处室"))


class TestSecrecyEducationAccess(ThirdDepartmentAsRestricted, AccessContract):
    model = SecrecyEducation
    global_role = "secrecy_office"
    api_update = {"topic": "改过的主题"}

    def make_record(self, department, restricted=False):
        return SecrecyEducationFactory(department=department)

    def label(self, obj):
        return obj.topic


class TestArchiveSeriesAccess(ThirdDepartmentAsRestricted, AccessContract):
    model = ArchiveSeries
    global_role = "secrecy_office"
    api_update = {"name": "改过的类目名称"}

    def make_record(self, department, restricted=False):
        return ArchiveSeriesFactory(department=department)

    def label(self, obj):
        return obj.code
