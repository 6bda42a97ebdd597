"""The IP plan and the MAC register (7 §1): subnet rules, assign_ip / update_assignment, the MAC
register (one asset per MAC, any notation)."""

import pytest
from django.core.exceptions import ValidationError

from assets.models import IPAssignment, MacAddress, Subnet
from assets.network import services
from szmz_security.core.choices import NetworkZone
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MacAddressFactory, SubnetFactory

INTRANET = NetworkZone.GOV_INTRANET
EXTRANET = NetworkZone.GOV_EXTRANET


@pytest.fixture
def subnet(department):
    return SubnetFactory(cidr="10.20.1.0/24", zone=INTRANET, department=department, name="社救处办公网")


@pytest.fixture
def asset(department):
    return AssetFactory(number="SZMZ-PC-0001", department=department)


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- subnets ---------------------------------------------------------------------------------------


def new_subnet(department, cidr, zone=INTRANET, **fields):
    return Subnet(name="网段", cidr=cidr, zone=zone, department=department, **fields)


def test_subnet_cidr_is_normalised(officer, department):
    subnet = services.save_subnet(new_subnet(department, " 2001:DB8:0001::/64 "), by=officer)
    assert subnet.cidr == "2001:db8:1::/64"
    assert subnet.history.first().history_change_reason == "登记网段"


def test_subnet_with_host_bits_is_refused(officer, department):
    with pytest.raises(ValidationError) as excinfo:
        services.save_subnet(new_subnet(department, "10.20.1.7/24"), by=officer)
    assert "10.20.1.0/24" in errors_of(excinfo)["cidr"][0]
    assert not Subnet.objects.exists()


def test_gateway_must_be_inside(officer, department):
    with pytest.raises(ValidationError) as excinfo:
        services.save_subnet(new_subnet(department, "10.20.1.0/24", gateway="10.20.2.1"), by=officer)
    assert "不在网段" in errors_of(excinfo)["gateway"][0]
    subnet = services.save_subnet(new_subnet(department, "10.20.1.0/24", gateway="10.20.1.1"), by=officer)
    assert subnet.gateway == "10.20.1.1"


def test_overlap_refused_within_a_zone_but_not_across_zones(officer, department, subnet):
    with pytest.raises(ValidationError) as excinfo:
        services.save_subnet(new_subnet(department, "10.20.0.0/16"), by=officer)
    assert "10.20.1.0/24" in errors_of(excinfo)["cidr"][0]
    other_zone = services.save_subnet(new_subnet(department, "10.20.0.0/16", zone=EXTRANET), by=officer)
    assert other_zone.pk


def test_subnet_department_must_be_one_the_user_may_file_for(head, other_department):
    with pytest.raises(ValidationError) as excinfo:
        services.save_subnet(new_subnet(other_department, "10.30.0.0/24"), by=head)
    assert "department" in errors_of(excinfo)


def test_subnet_with_assignments_cannot_be_deleted(officer, subnet, asset):
    services.assign_ip(ip="10.20.1.10", zone=INTRANET, asset=asset, by=officer)
    with pytest.raises(ValidationError, match="仍有 1 条 IP 分配"):
        services.delete_subnet(subnet, by=officer)
    assert Subnet.objects.filter(pk=subnet.pk).exists()
    IPAssignment.objects.all().delete()
    services.delete_subnet(subnet, by=officer)
    assert not Subnet.objects.exists()


def test_subnet_cannot_shrink_away_from_its_assignments(officer, subnet, asset):
    services.assign_ip(ip="10.20.1.200", zone=INTRANET, asset=asset, by=officer)
    subnet.cidr = "10.20.1.0/25"
    with pytest.raises(ValidationError) as excinfo:
        services.save_subnet(subnet, by=officer)
    assert "10.20.1.200" in errors_of(excinfo)["cidr"][0]


# --- assignments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notation", ["AA-BB-CC-DD-EE-01", "aabb.ccdd.ee01", "AABBCCDDEE01", "aa:bb:cc:dd:ee:01"]
)
def test_assign_ip_normalises_and_registers_the_mac(officer, subnet, asset, notation):
    assignment = services.assign_ip(
        ip=" 10.20.1.10 ", zone=INTRANET, mac=notation, asset=asset, hostname="pc-0001", by=officer
    )
    assert assignment.ip == "10.20.1.10"
    assert assignment.mac == "aa:bb:cc:dd:ee:01"
    assert assignment.subnet == subnet
    assert assignment.department == subnet.department
    registered = MacAddress.objects.get()
    assert (registered.mac, registered.asset, registered.department) == (
        "aa:bb:cc:dd:ee:01",
        asset,
        asset.department,
    )
    assert assignment.history.first().history_user == officer


def test_ipv6_assignment_in_any_spelling(officer, department, asset):
    SubnetFactory(cidr="2001:db8:1::/64", zone=INTRANET, department=department)
    assignment = services.assign_ip(
        ip="2001:0DB8:0001:0000:0000:0000:0000:0010", zone=INTRANET, asset=asset, by=officer
    )
    assert assignment.ip == "2001:db8:1::10"
    with pytest.raises(ValidationError, match="已分配"):
        services.assign_ip(ip="2001:db8:1::10", zone=INTRANET, asset=asset, by=officer)


def test_ip_outside_every_subnet_of_the_zone_is_refused(officer, subnet, asset):
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ip(ip="10.99.0.1", zone=INTRANET, asset=asset, by=officer)
    assert "不在政务内网的任何已登记网段内" in errors_of(excinfo)["ip"][0]
    # In the subnet's range but another zone: also outside.
    with pytest.raises(ValidationError):
        services.assign_ip(ip="10.20.1.10", zone=EXTRANET, asset=asset, by=officer)
    assert not IPAssignment.objects.exists()


def test_ip_assigned_once_per_zone(officer, department, subnet, asset):
    services.assign_ip(ip="10.20.1.10", zone=INTRANET, asset=asset, by=officer)
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ip(
            ip="10.20.1.10", zone=INTRANET, asset=AssetFactory(department=department), by=officer
        )
    assert errors_of(excinfo) == {"ip": ["10.20.1.10 在政务内网中已分配。"]}
    # The same address in another zone is another address.
    SubnetFactory(cidr="10.20.1.0/24", zone=EXTRANET, department=department)
    assert services.assign_ip(ip="10.20.1.10", zone=EXTRANET, asset=asset, by=officer).pk


def test_mac_of_another_asset_is_refused_naming_it(officer, department, subnet, asset):
    other = AssetFactory(number="SZMZ-PC-0999", department=department)
    MacAddressFactory(mac="aa:bb:cc:dd:ee:01", asset=other)
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ip(ip="10.20.1.10", zone=INTRANET, mac="AA-BB-CC-DD-EE-01", asset=asset, by=officer)
    assert "SZMZ-PC-0999" in errors_of(excinfo)["mac"][0]
    assert not IPAssignment.objects.exists()


def test_registered_mac_brings_its_asset(officer, subnet, asset):
    MacAddressFactory(mac="aa:bb:cc:dd:ee:01", asset=asset)
    assignment = services.assign_ip(ip="10.20.1.10", zone=INTRANET, mac="aabb.ccdd.ee01", by=officer)
    assert assignment.asset == asset
    assert MacAddress.objects.count() == 1


def test_new_mac_without_asset_is_refused(officer, subnet):
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ip(ip="10.20.1.10", zone=INTRANET, mac="aabb.ccdd.ee01", by=officer)
    assert "asset" in errors_of(excinfo)


def test_bad_ip_and_mac_reported_together(officer, subnet, asset):
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ip(ip="10.20.1.300", zone=INTRANET, mac="zz-zz", asset=asset, by=officer)
    assert set(errors_of(excinfo)) >= {"ip", "mac"}


def test_update_assignment_moves_ip_under_the_same_rules(officer, department, subnet, asset):
    assignment = services.assign_ip(
        ip="10.20.1.10", zone=INTRANET, mac="aa:bb:cc:dd:ee:01", asset=asset, by=officer
    )
    services.assign_ip(ip="10.20.1.11", zone=INTRANET, asset=AssetFactory(department=department), by=officer)
    with pytest.raises(ValidationError, match="已分配"):
        services.update_assignment(assignment, ip="10.20.1.11", by=officer)
    assignment.refresh_from_db()
    updated = services.update_assignment(assignment, ip="10.20.1.12", hostname="pc-new", by=officer)
    assert (updated.ip, updated.hostname) == ("10.20.1.12", "pc-new")
    # Keeping its own address is not a conflict with itself.
    services.update_assignment(updated, note="复核", by=officer)


def test_classified_asset_cannot_take_an_unclassified_network_address(officer, department, subnet):
    secret = AssetFactory(
        department=department, zone=NetworkZone.CLASSIFIED, secrecy="secret", wireless_removed=True
    )
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ip(ip="10.20.1.10", zone=INTRANET, asset=secret, by=officer)
    assert "zone" in errors_of(excinfo)


# --- the MAC register ------------------------------------------------------------------------------


def test_register_mac_any_notation_one_asset(officer, department, asset):
    record = services.register_mac(mac="AABB.CCDD.EE02", asset=asset, interface="有线网卡", by=officer)
    assert record.mac == "aa:bb:cc:dd:ee:02"
    assert record.department == asset.department
    other = AssetFactory(number="SZMZ-PC-0777", department=department)
    with pytest.raises(ValidationError) as excinfo:
        services.register_mac(mac="aa-bb-cc-dd-ee-02", asset=other, by=officer)
    assert "SZMZ-PC-0001" in errors_of(excinfo)["mac"][0]


def test_register_mac_refuses_a_mac_assigned_to_another_asset(officer, department, subnet, asset):
    IPAssignmentFactory(subnet=subnet, ip="10.20.1.9", mac="aa:bb:cc:dd:ee:03", asset=asset)
    other = AssetFactory(number="SZMZ-PC-0778", department=department)
    with pytest.raises(ValidationError, match="SZMZ-PC-0001"):
        services.register_mac(mac="aabbccddee03", asset=other, by=officer)


def test_mac_in_use_cannot_be_deleted(officer, subnet, asset):
    services.assign_ip(ip="10.20.1.10", zone=INTRANET, mac="aa:bb:cc:dd:ee:01", asset=asset, by=officer)
    with pytest.raises(ValidationError, match="仍有 IP 分配"):
        services.delete_mac(MacAddress.objects.get(), by=officer)
