"""Factories of the removable-media tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from media_control.models import DestructionRequest, Inventory, Medium, RepairRequest, SecrecyLevel, Vendor
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


class InventoryFactory(factory.django.DjangoModelFactory):
    """An open annual inventory of a department's media."""

    class Meta:
        model = Inventory

    department = factory.SubFactory(DepartmentFactory)
    year = factory.Sequence(lambda n: 2000 + n % 100)


class RepairRequestFactory(factory.django.DjangoModelFactory):
    """A requested repair of one of the department's (unclassified) media by a designated vendor."""

    class Meta:
        model = RepairRequest

    department = factory.SubFactory(DepartmentFactory)
    medium = factory.SubFactory(MediumFactory, department=factory.SelfAttribute("..department"))
    vendor = factory.SubFactory(VendorFactory)
    requested_by = factory.SubFactory(UserFactory)
    reason = "无法识别"


class DestructionRequestFactory(factory.django.DjangoModelFactory):
    """A requested destruction of one of the department's (unclassified) media."""

    class Meta:
        model = DestructionRequest

    department = factory.SubFactory(DepartmentFactory)
    medium = factory.SubFactory(MediumFactory, department=factory.SelfAttribute("..department"))
    requested_by = factory.SubFactory(UserFactory)
    reason = "损坏报废"
