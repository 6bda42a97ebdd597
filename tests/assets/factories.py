"""Factories for the assets app (register, IP plan, MAC register, machine room)."""

import factory

from assets.models import Asset, IPAssignment, MacAddress, MachineRoom, Subnet
from szmz_security.core.choices import NetworkZone
from tests.factories import DepartmentFactory, UserFactory


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    number = factory.Sequence(lambda n: f"SZMZ-PC-{n:05d}")
    type = Asset.Type.DESKTOP
    name = factory.Sequence(lambda n: f"办公电脑{n}")
    department = factory.SubFactory(DepartmentFactory)
    zone = NetworkZone.GOV_INTRANET


class SubnetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subnet

    name = factory.Sequence(lambda n: f"办公网段{n}")
    cidr = factory.Sequence(lambda n: f"10.{n // 256 % 256}.{n % 256}.0/24")
    zone = NetworkZone.GOV_INTRANET
    department = factory.SubFactory(DepartmentFactory)


class MacAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MacAddress

    mac = factory.Sequence(
        lambda n: ":".join(f"{b:02x}" for b in (0x02, 0, 0, n >> 16 & 255, n >> 8 & 255, n & 255))
    )
    asset = factory.SubFactory(AssetFactory)
    department = factory.LazyAttribute(lambda row: row.asset.department)


class IPAssignmentFactory(factory.django.DjangoModelFactory):
    """``IPAssignmentFactory(subnet=s, ip="10.0.0.5", mac=..., asset=...)``; the zone and the
    department follow the subnet."""

    class Meta:
        model = IPAssignment

    subnet = factory.SubFactory(SubnetFactory)
    zone = factory.LazyAttribute(lambda row: row.subnet.zone)
    department = factory.LazyAttribute(lambda row: row.subnet.department)
    ip = factory.Sequence(lambda n: f"10.0.{n // 250 % 256}.{n % 250 + 2}")


class MachineRoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MachineRoom

    name = factory.Sequence(lambda n: f"中心机房{n}")
    location = "市民政局大楼 5 楼"
    department = factory.SubFactory(DepartmentFactory)
    responsible = factory.SubFactory(UserFactory)
