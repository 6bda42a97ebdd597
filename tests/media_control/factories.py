"""Factories of the removable-media tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from media_control.models import Medium, SecrecyLevel, Vendor
from szmz_security.core.choices import NetworkZone
from tests.factories import DepartmentFactory, UserFactory


class MediumFactory(factory.django.DjangoModelFactory):
    """An unclassified (内部) U盘 of the 政务内网; ``classified=True`` makes a 机密★10年 one of the
    涉密网 held by its own custodian."""

    class Meta:
        model = Medium

    class Params:
        classified = factory.Trait(
            secrecy_level=SecrecyLevel.CONFIDENTIAL,
            protection_years=10,
            zone=NetworkZone.CLASSIFIED,
            custodian=factory.SubFactory(UserFactory),
        )

    type = Medium.Type.USB
    brand = "金士顿"
    serial = factory.Sequence(lambda n: f"SN{n:06d}")
    capacity = "64GB"
    secrecy_level = SecrecyLevel.INTERNAL
    zone = NetworkZone.GOV_INTRANET
    department = factory.SubFactory(DepartmentFactory)


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"服务单位{n}")
    designated = True
    designation_number = factory.Sequence(lambda n: f"BM-DD-{n:04d}")
    designation_expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    contact = "张工"
