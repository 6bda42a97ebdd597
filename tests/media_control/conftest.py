import pytest

from tests.factories import UserFactory

from .factories import MediumFactory, VendorFactory


@pytest.fixture
def keeper(department):
    """The custodian (保管人) of the department's media: a 工作人员 of ``department``."""
    return UserFactory(username="keeper", profile="刘保管", roles=["staff"], departments=[department])


@pytest.fixture
def medium(department, keeper):
    return MediumFactory(department=department, custodian=keeper)


@pytest.fixture
def secret_medium(department, keeper):
    """秘密★10年: the department head approves its check-out alone."""
    return MediumFactory(
        department=department,
        custodian=keeper,
        secrecy_level="secret",
        protection_years=10,
        zone="classified",
    )


@pytest.fixture
def confidential_medium(department, keeper):
    """机密★20年: head, then the secrecy office."""
    return MediumFactory(
        department=department,
        custodian=keeper,
        secrecy_level="confidential",
        protection_years=20,
        zone="classified",
    )


@pytest.fixture
def vendor(db):
    return VendorFactory(name="深圳市保密技术服务中心")


@pytest.fixture
def plain_vendor(db):
    return VendorFactory(
        name="街边电脑维修店", designated=False, designation_number="", designation_expires_on=None
    )
