"""Demo records for ``manage.py seed_demo`` (idempotent): assets, a machine room with its logs,
the IP plan and this month's IP/MAC reconciliation."""

from datetime import timedelta

from django.utils import timezone

from szmz_security.core.choices import NetworkZone, Secrecy

from .models import Asset, BackupRecord, MachineRoom, RoomAccess, RoomChange, Subnet
from .network import services
from .reconciliation import services as reconciliation


def seed(departments, users):
    seed_register(departments, users)
    seed_network(departments, users)


# --- the register and the machine room ------------------------------------------------------------


def seed_register(departments, users):
    """A dozen assets across departments (one classified standalone computer, one with stale
    anti-virus so the compliance list shows something), one machine room with an access entry, a
    change and yesterday's backup."""
    today = timezone.localdate()
    fresh = today - timedelta(days=3)
    # number, type, name, department, custodian, location, zone, secrecy, extra
    rows = [
        (
            "SZMZ-SRV-0001",
            "server",
            "政务服务业务服务器",
            "XXZX",
            "officer",
            "中心机房 A01",
            "gov_intranet",
            "none",
            {},
        ),
        (
            "SZMZ-SRV-0002",
            "server",
            "门户网站服务器",
            "XXZX",
            "officer2",
            "中心机房 A02",
            "gov_extranet",
            "none",
            {"critical_infrastructure": True},
        ),
        (
            "SZMZ-NET-0001",
            "network",
            "核心交换机",
            "XXZX",
            "officer",
            "中心机房 B01",
            "gov_intranet",
            "none",
            {},
        ),
        (
            "SZMZ-SEC-0001",
            "security",
            "防火墙",
            "XXZX",
            "officer",
            "中心机房 B02",
            "gov_extranet",
            "none",
            {},
        ),
        (
            "SZMZ-SYS-0001",
            "system",
            "社会救助信息系统",
            "SHJZ",
            "head.shjz",
            "中心机房",
            "gov_intranet",
            "none",
            {"data_grade": "important", "critical_infrastructure": True},
        ),
        (
            "SZMZ-SYS-0002",
            "system",
            "养老服务补贴系统",
            "YLFW",
            "head.ylfw",
            "中心机房",
            "gov_extranet",
            "none",
            {},
        ),
        ("SZMZ-PC-0001", "desktop", "办公电脑", "SHJZ", "staff.shjz", "5楼 501", "gov_intranet", "none", {}),
        (
            "SZMZ-PC-0002",
            "desktop",
            "办公电脑",
            "SHJZ",
            "head.shjz",
            "5楼 503",
            "gov_intranet",
            "none",
            {"antivirus_updated_on": today - timedelta(days=75)},
        ),
        ("SZMZ-PC-0003", "laptop", "笔记本电脑", "YLFW", "staff.ylfw", "6楼 602", "gov_extranet", "none", {}),
        (
            "SZMZ-PC-0004",
            "desktop",
            "涉密单机",
            "BGS",
            "secrecy",
            "保密室",
            "standalone",
            "secret",
            {"wireless_removed": True},
        ),
        (
            "SZMZ-PRN-0001",
            "printer",
            "激光打印机",
            "BGS",
            "staff.bgs",
            "3楼 复印室",
            "gov_intranet",
            "none",
            {},
        ),
        (
            "SZMZ-STO-0001",
            "storage",
            "备份存储",
            "XXZX",
            "officer",
            "中心机房 A03",
            "gov_intranet",
            "none",
            {},
        ),
    ]
    computers = {Asset.Type.DESKTOP, Asset.Type.LAPTOP, Asset.Type.SERVER}
    for number, kind, name, code, custodian, location, zone, secrecy, extra in rows:
        if Asset.objects.filter(number=number).exists():
            continue
        values = {
            "type": kind,
            "name": name,
            "department": departments[code],
            "custodian": users.get(custodian),
            "location": location,
            "zone": NetworkZone(zone),
            "secrecy": Secrecy(secrecy),
            "purchase_date": today - timedelta(days=700),
            "model_number": "演示型号",
        }
        if kind in computers:
            values.update(antivirus_product="终端安全管理系统", antivirus_updated_on=fresh)
        values.update(extra)
        asset = Asset(number=number, **values)
        asset.full_clean()
        asset._change_reason = "演示数据"
        asset.save()

    room = MachineRoom.objects.filter(name="市民政局中心机房").first()
    if room is None:
        room = MachineRoom(
            name="市民政局中心机房",
            location="市民政局大楼 5 楼",
            department=departments["XXZX"],
            responsible=users["officer"],
        )
        room._change_reason = "演示数据"
        room.save()
    now = timezone.now()
    if not room.accesses.exists():
        RoomAccess.objects.create(
            room=room,
            visitor="李工",
            organisation="某网络服务公司",
            purpose="核心交换机例行巡检",
            approved_by=users["officer"],
            approved_at=now - timedelta(days=1, hours=3),
            entered_at=now - timedelta(days=1, hours=2),
            left_at=now - timedelta(days=1, hours=1),
            escort="陈安",
            recorded_by=users["officer"],
        )
    if not room.changes.exists():
        RoomChange.objects.create(
            room=room,
            kind=RoomChange.Kind.CONFIGURATION,
            description="核心交换机新增 VLAN 120（社会救助处）",
            asset=Asset.objects.filter(number="SZMZ-NET-0001").first(),
            approved_by=users["officer"],
            approved_at=now - timedelta(days=2),
            performed_by=users["officer2"],
            performed_at=now - timedelta(days=1, hours=20),
        )
    yesterday = today - timedelta(days=1)
    if not BackupRecord.objects.filter(room=room, date=yesterday).exists():
        BackupRecord.objects.create(
            room=room,
            date=yesterday,
            systems="政务服务业务数据库、门户网站",
            medium="备份存储 SZMZ-STO-0001",
            performed_by=users["officer2"],
        )


# --- the IP plan and the reconciliation -----------------------------------------------------------


def seed_network(departments, users):
    """Two subnets (政务内网 and 政务外网), the demo assets' MACs and IPs, and this month's
    政务内网 reconciliation run with a few open items (an unregistered laptop, a device on the
    wrong IP, one not seen). Idempotent: nothing is added once the intranet subnet exists."""
    if Subnet.objects.filter(zone=NetworkZone.GOV_INTRANET, cidr="10.20.0.0/22").exists():
        return
    officer = users.get("officer")
    intranet = services.save_subnet(
        Subnet(
            name="市民政局机关政务内网",
            cidr="10.20.0.0/22",
            zone=NetworkZone.GOV_INTRANET,
            department=departments["XXZX"],
            vlan=20,
            gateway="10.20.0.1",
        ),
        by=officer,
        reason="演示数据",
    )
    services.save_subnet(
        Subnet(
            name="政务外网服务区",
            cidr="172.16.10.0/24",
            zone=NetworkZone.GOV_EXTRANET,
            department=departments["XXZX"],
            vlan=110,
            gateway="172.16.10.1",
        ),
        by=officer,
        reason="演示数据",
    )
    # number → (zone, ip, mac, hostname); assets created by seed_register, looked up by number.
    plan = {
        "SZMZ-SRV-0001": (NetworkZone.GOV_INTRANET, "10.20.0.10", "00-1A-2B-00-00-10", "zwfw-app01"),
        "SZMZ-NET-0001": (NetworkZone.GOV_INTRANET, "10.20.0.2", "00-1A-2B-00-00-02", "core-sw01"),
        "SZMZ-STO-0001": (NetworkZone.GOV_INTRANET, "10.20.0.20", "001a.2b00.0020", "backup-nas"),
        "SZMZ-PC-0001": (NetworkZone.GOV_INTRANET, "10.20.1.101", "3C-52-82-11-01-01", "shjz-pc01"),
        "SZMZ-PC-0002": (NetworkZone.GOV_INTRANET, "10.20.1.102", "3c5282110102", "shjz-pc02"),
        "SZMZ-PRN-0001": (NetworkZone.GOV_INTRANET, "10.20.2.50", "3C:52:82:22:00:50", "bgs-prn01"),
        "SZMZ-SRV-0002": (NetworkZone.GOV_EXTRANET, "172.16.10.10", "00-1A-2B-10-00-10", "portal-web01"),
    }
    assets = {asset.number: asset for asset in Asset.objects.filter(number__in=plan)}
    for number, (zone, ip, mac, hostname) in plan.items():
        if number in assets:
            services.assign_ip(
                ip=ip,
                zone=zone,
                mac=mac,
                asset=assets[number],
                hostname=hostname,
                by=officer,
                reason="演示数据",
            )
    if officer is None:
        return
    seen = [
        {"ip": "10.20.0.10", "mac": "00:1a:2b:00:00:10", "hostname": "zwfw-app01"},
        {"ip": "10.20.0.2", "mac": "00:1a:2b:00:00:02", "hostname": "core-sw01"},
        {"ip": "10.20.0.20", "mac": "00:1a:2b:00:00:20", "hostname": "backup-nas"},
        {"ip": "10.20.1.101", "mac": "3c:52:82:11:01:01", "hostname": "shjz-pc01"},
        # shjz-pc02 shows up on another address; the printer is off; a laptop nobody registered.
        {"ip": "10.20.1.150", "mac": "3c:52:82:11:01:02", "hostname": "shjz-pc02"},
        {"ip": "10.20.3.77", "mac": "f0:de:f1:aa:bb:cc", "hostname": "LAPTOP-7Q2K"},
    ]
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    reconciliation.start_reconciliation(
        zone=NetworkZone.GOV_INTRANET,
        source="switch",
        rows=[{**row, "time": now} for row in seen],
        by=officer,
        department=departments["XXZX"],
    )
    reconciliation.ensure_monthly_obligations()
    return intranet
