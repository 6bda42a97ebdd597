"""The monthly IP/MAC reconciliation (7 §1): reading scans, every kind of discrepancy and their
precedence, the atomic validation of a scan, resolving items, sign-off and the obligation."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assets.models import Asset, IPAssignment, MacAddress, Reconciliation, ReconciliationItem
from assets.reconciliation import services as rec
from assets.tasks import ensure_reconciliation_obligations
from incidents.models import Incident
from szmz_security.core.choices import NetworkZone
from szmz_security.jobs import services as jobs
from szmz_security.obligations.models import Obligation
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MacAddressFactory, SubnetFactory
from tests.factories import UserFactory

INTRANET = NetworkZone.GOV_INTRANET
EXTRANET = NetworkZone.GOV_EXTRANET
Kind = ReconciliationItem.Kind
Resolution = ReconciliationItem.Resolution

M1, M2, M3, M4 = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03", "02:00:00:00:00:04"
ROGUE = "0a:11:22:33:44:55"


@pytest.fixture
def centre(officer):
    from szmz_security.org.models import Department

    return Department.objects.get(code="XXZX")


@pytest.fixture
def register(department):
    """10.20.1.0/24 in 政务内网 with four registered devices (.10–.13)."""
    subnet = SubnetFactory(cidr="10.20.1.0/24", zone=INTRANET, department=department)
    assets = []
    for index, mac in enumerate((M1, M2, M3, M4)):
        asset = AssetFactory(number=f"SZMZ-PC-{index + 1:04d}", department=department)
        MacAddressFactory(mac=mac, asset=asset)
        IPAssignmentFactory(subnet=subnet, ip=f"10.20.1.{10 + index}", mac=mac, asset=asset)
        assets.append(asset)
    return subnet, assets


def row(ip, mac, line=0, hostname="", seen_at=None):
    result = rec.validate_row(line, {"ip": ip, "mac": mac, "hostname": hostname, "time": seen_at})
    assert isinstance(result, rec.ScanRow), result
    return result


def kinds(items):
    return sorted((item.kind, item.ip, item.mac) for item in items)


def all_seen():
    return [row(f"10.20.1.{10 + i}", mac) for i, mac in enumerate((M1, M2, M3, M4))]


# --- reading scans ---------------------------------------------------------------------------------


def test_arp_table_export_with_bom_and_windows_headers():
    text = "\ufeffInternet Address,Physical Address,Type\r\n10.20.1.10,02-00-00-00-00-01,dynamic\r\n"
    parsed = rec.parse_csv(text.encode("utf-8"))
    assert [(r.ip, r.mac, r.line) for r in parsed.rows] == [("10.20.1.10", M1, 2)]


def test_dhcp_leases_tab_separated_with_time():
    text = "ip\thwaddr\tclient-hostname\tstarts\n10.20.1.11\t0200.0000.0002\tpc-02\t4 2026/11/05 08:00:01\n"
    parsed = rec.parse_csv(text.encode("utf-8"))
    (only,) = parsed.rows
    assert (only.mac, only.hostname) == (M2, "pc-02")
    assert timezone.localtime(only.seen_at).strftime("%Y-%m-%d %H:%M:%S") == "2026-11-05 08:00:01"


def test_switch_mac_table_and_ipv6():
    text = "MAC Address;IP Address;Hostname;Last Seen\n020000000003;2001:DB8:1::0010;sw-03;2026-11-05T09:00:00+08:00\n"
    (only,) = rec.parse_csv(text.encode("utf-8")).rows
    assert (only.ip, only.mac) == ("2001:db8:1::10", M3)


def test_headerless_scan_and_multicast_entries_skipped():
    text = "10.20.1.10,02:00:00:00:00:01\n224.0.0.22,01-00-5e-00-00-16\n10.20.1.255,ff-ff-ff-ff-ff-ff\n"
    parsed = rec.parse_csv(text.encode("utf-8"))
    assert [r.ip for r in parsed.rows] == ["10.20.1.10"]
    assert parsed.skipped == 2


def test_gb18030_file_from_excel_is_read():
    text = "IP地址,MAC地址,主机名\n10.20.1.10,02-00-00-00-00-01,财务室电脑\n"
    (only,) = rec.parse_csv(text.encode("gb18030")).rows
    assert only.hostname == "财务室电脑"


def test_every_bad_row_reported_by_line_in_chinese():
    text = (
        "ip,mac,hostname,time\n"
        "10.20.1.10,02:00:00:00:00:01,,\n"
        "10.20.1.300,02:00:00:00:00:02,,\n"
        "\n"
        "10.20.1.12,02:00:00:00:00,,yesterday\n"
    )
    with pytest.raises(rec.ScanRejected) as excinfo:
        rec.parse_csv(text.encode("utf-8"))
    errors = excinfo.value.errors
    assert [error["line"] for error in errors] == [3, 5]
    assert "不是有效的 IPv4 或 IPv6 地址" in errors[0]["errors"]["ip"]
    assert set(errors[1]["errors"]) == {"mac", "time"}
    assert excinfo.value.messages()[0].startswith("第 3 行：IP 地址")


def test_missing_mac_column_is_named():
    with pytest.raises(rec.ScanRejected) as excinfo:
        rec.parse_csv(b"ip,hostname\n10.20.1.10,pc\n")
    assert "MAC 地址" in excinfo.value.errors[0]["errors"]["scan"]


def test_json_rows_validated_with_their_index():
    with pytest.raises(rec.ScanRejected) as excinfo:
        rec.parse_rows([{"ip": "10.20.1.10", "mac": M1}, {"ip": "10.20.1.11"}, "x"])
    assert [(e["line"], sorted(e["errors"])) for e in excinfo.value.errors] == [
        (2, ["mac"]),
        (3, ["ip", "mac"]),
    ]


def test_a_scan_with_one_bad_row_writes_nothing(officer, register):
    upload = SimpleUploadedFile("scan.csv", b"ip,mac\n10.20.1.10,02:00:00:00:00:01\n10.20.1.11,nonsense\n")
    with pytest.raises(rec.ScanRejected):
        rec.start_reconciliation(zone=INTRANET, by=officer, upload=upload)
    assert not Reconciliation.objects.exists()
    assert not ReconciliationItem.objects.exists()


# --- the comparison --------------------------------------------------------------------------------


def test_a_scan_matching_the_register_finds_nothing(register):
    # Any MAC notation in the scan is the registered device.
    rows = [
        row("10.20.1.10", "02-00-00-00-00-01"),
        row("10.20.1.11", "0200.0000.0002"),
        row("10.20.1.12", "020000000003"),
        row("10.20.1.13", "02:00:00:00:00:04"),
        row("10.20.1.13", "02:00:00:00:00:04"),  # repeated in the scan
    ]
    assert rec.compare(INTRANET, rows) == []


def test_unregistered_mac_once_per_mac(register):
    rows = [
        *all_seen(),
        row("10.20.1.50", ROGUE, seen_at="2026-11-01 08:00"),
        row("10.20.1.51", ROGUE, seen_at="2026-11-02 08:00"),
    ]
    items = rec.compare(INTRANET, rows)
    assert kinds(items) == [(Kind.UNREGISTERED_MAC, "10.20.1.51", ROGUE)]
    assert "10.20.1.50" in items[0].detail
    assert "未在台账登记" in items[0].detail


def test_registered_device_not_seen(register):
    _, assets = register
    items = rec.compare(INTRANET, all_seen()[:3])
    (item,) = items
    assert (item.kind, item.ip, item.mac, item.asset_id) == (Kind.NOT_SEEN, "10.20.1.13", M4, assets[3].pk)
    assert item.assignment_id == IPAssignment.objects.get(ip="10.20.1.13").pk
    assert "SZMZ-PC-0004" in item.detail


def test_ip_mismatch_and_no_not_seen_for_the_moved_device(register):
    rows = [*all_seen()[:3], row("10.20.1.60", M4)]
    (item,) = rec.compare(INTRANET, rows)
    assert (item.kind, item.ip, item.mac) == (Kind.IP_MISMATCH, "10.20.1.60", M4)
    assert "10.20.1.13" in item.detail


def test_registered_mac_without_assignment_in_zone_is_a_mismatch(register, department):
    spare = AssetFactory(number="SZMZ-PC-0100", department=department)
    MacAddressFactory(mac="02:00:00:00:01:00", asset=spare)
    (item,) = rec.compare(INTRANET, [*all_seen(), row("10.20.1.70", "02:00:00:00:01:00")])
    assert item.kind == Kind.IP_MISMATCH
    assert item.asset_id == spare.pk
    assert "没有分配 IP" in item.detail


def test_duplicate_ip_one_item_naming_both_macs(register):
    rows = [*all_seen(), row("10.20.1.10", ROGUE)]
    (item,) = rec.compare(INTRANET, rows)
    assert (item.kind, item.ip, item.mac) == (Kind.DUPLICATE_IP, "10.20.1.10", "")
    assert "02-00-00-00-00-01" in item.detail and "0A-11-22-33-44-55（未登记）" in item.detail
    # The registered device whose IP it is shows as the related assignment.
    assert item.assignment_id == IPAssignment.objects.get(ip="10.20.1.10").pk


def test_ip_outside_the_zone_plan_is_wrong_subnet_only(register):
    rows = [*all_seen(), row("192.168.9.9", ROGUE)]
    (item,) = rec.compare(INTRANET, rows)
    assert (item.kind, item.ip) == (Kind.WRONG_SUBNET, "192.168.9.9")
    assert "不在政务内网的任何已登记网段内" in item.detail


def test_device_of_another_zone_is_wrong_subnet(register, department):
    outsider = AssetFactory(number="SZMZ-NET-0001", department=department, zone=EXTRANET)
    MacAddressFactory(mac="02:00:00:00:02:00", asset=outsider)
    (item,) = rec.compare(INTRANET, [*all_seen(), row("10.20.1.80", "02:00:00:00:02:00")])
    assert item.kind == Kind.WRONG_SUBNET
    assert "政务外网" in item.detail and "SZMZ-NET-0001" in item.detail


def test_assignment_in_another_zone_is_wrong_subnet(register, department):
    extranet = SubnetFactory(cidr="172.16.0.0/24", zone=EXTRANET, department=department)
    IPAssignmentFactory(subnet=extranet, ip="172.16.0.5", mac="02:00:00:00:03:00", asset=None)
    (item,) = rec.compare(INTRANET, [*all_seen(), row("10.20.1.81", "02:00:00:00:03:00")])
    assert item.kind == Kind.WRONG_SUBNET


def test_other_zones_register_is_not_compared(register, department):
    extranet = SubnetFactory(cidr="172.16.0.0/24", zone=EXTRANET, department=department)
    IPAssignmentFactory(subnet=extranet, ip="172.16.0.5", mac="02:00:00:00:03:00", asset=None)
    assert rec.compare(INTRANET, all_seen()) == []


def test_ipv6_scan_compared_on_normalised_addresses(department):
    subnet = SubnetFactory(cidr="2001:db8:1::/64", zone=INTRANET, department=department)
    asset = AssetFactory(department=department)
    MacAddressFactory(mac=M1, asset=asset)
    IPAssignmentFactory(subnet=subnet, ip="2001:db8:1::10", mac=M1, asset=asset)
    assert rec.compare(INTRANET, [row("2001:0DB8:0001:0000:0000:0000:0000:0010", "0200.0000.0001")]) == []


def test_ip_seen_with_a_new_mac_names_the_registered_device(register):
    """A replaced network card: the IP shows up with an unknown MAC; the old device is not also
    listed as not seen (its IP is in use)."""
    rows = [*all_seen()[:3], row("10.20.1.13", ROGUE)]
    (item,) = rec.compare(INTRANET, rows)
    assert item.kind == Kind.UNREGISTERED_MAC
    assert "SZMZ-PC-0004" in item.detail


# --- a run: upload, task, progress -----------------------------------------------------------------


def scan_bytes(*lines):
    return ("ip,mac,hostname\n" + "\n".join(lines) + "\n").encode("utf-8")


def test_small_scan_compared_in_the_request(officer, centre, register):
    upload = SimpleUploadedFile(
        "arp.csv", scan_bytes("10.20.1.10,02-00-00-00-00-01,pc1", f"10.20.1.99,{ROGUE},rogue")
    )
    run = rec.start_reconciliation(zone=INTRANET, by=officer, upload=upload, source="arp")
    assert run.state == Reconciliation.State.OPEN
    assert (run.total_rows, run.processed_rows, run.department) == (2, 2, centre)
    assert run.month == timezone.localdate().replace(day=1)
    assert sorted(run.items.values_list("kind", flat=True)) == sorted(
        [Kind.UNREGISTERED_MAC, Kind.NOT_SEEN, Kind.NOT_SEEN, Kind.NOT_SEEN]
    )
    assert run.scan_file.name.endswith(".csv")


def test_large_scan_runs_in_the_task_with_progress(
    officer, centre, register, django_capture_on_commit_callbacks
):
    lines = [f"10.20.1.{10 + i},{mac}" for i, mac in enumerate((M1, M2, M3, M4))]
    with django_capture_on_commit_callbacks() as callbacks:
        run = rec.start_reconciliation(
            zone=INTRANET,
            by=officer,
            upload=SimpleUploadedFile("s.csv", scan_bytes(*lines, f"10.20.1.99,{ROGUE},")),
            inline=False,
        )
    assert run.state == Reconciliation.State.PENDING
    assert run.progress_percent == 0
    assert len(callbacks) >= 1  # the task is enqueued after commit
    assert jobs.run(run.job.pk) == "done"
    run = Reconciliation.objects.get(pk=run.pk)
    assert run.state == Reconciliation.State.OPEN
    assert run.processed_rows == run.total_rows == 5
    assert run.progress_percent == 100
    # A redelivered message does nothing twice.
    assert jobs.run(run.job.pk) is None
    assert run.items.count() == 1


def test_json_rows_kept_as_the_scan_file(officer, centre, register):
    run = rec.start_reconciliation(
        zone=INTRANET, by=officer, rows=[{"ip": "10.20.1.10", "mac": "02-00-00-00-00-01", "hostname": "pc"}]
    )
    run.scan_file.open("rb")
    assert run.scan_file.read().decode().startswith("ip,mac,hostname,time")
    run.scan_file.close()


# --- resolving -------------------------------------------------------------------------------------


@pytest.fixture
def run(officer, centre, register):
    rows = [
        {"ip": "10.20.1.10", "mac": M1},
        {"ip": "10.20.1.11", "mac": M2},
        {"ip": "10.20.1.60", "mac": M3},  # IP_MISMATCH (.12 assigned)
        {"ip": "10.20.1.99", "mac": ROGUE, "hostname": "rogue-pc"},  # UNREGISTERED_MAC
        # M4 / .13 not seen: NOT_SEEN
    ]
    return rec.start_reconciliation(zone=INTRANET, by=officer, rows=rows)


def item_of(run, kind):
    return run.items.get(kind=kind)


def test_register_an_unregistered_device_to_an_existing_asset(officer, run, department):
    target = AssetFactory(number="SZMZ-PC-0500", department=department)
    item = rec.resolve(item_of(run, Kind.UNREGISTERED_MAC), Resolution.REGISTERED, by=officer, asset=target)
    assert item.resolution == Resolution.REGISTERED
    assert (item.resolved_by, item.asset) == (officer, target)
    assignment = IPAssignment.objects.get(zone=INTRANET, ip="10.20.1.99")
    assert (assignment.mac, assignment.asset, assignment.hostname) == (ROGUE, target, "rogue-pc")
    assert MacAddress.objects.get(mac=ROGUE).asset == target
    assert item.history.first().history_user == officer
    assert "SZMZ-PC-0500" in item.history.first().history_change_reason


def test_register_creates_a_new_asset(officer, run, department):
    item = rec.resolve(
        item_of(run, Kind.UNREGISTERED_MAC),
        Resolution.REGISTERED,
        by=officer,
        new_asset={
            "number": "SZMZ-PC-0900",
            "name": "新购电脑",
            "type": Asset.Type.DESKTOP,
            "department": department,
            "zone": INTRANET,
        },
    )
    assert item.asset.number == "SZMZ-PC-0900"
    assert MacAddress.objects.get(mac=ROGUE).asset == item.asset


def test_register_refused_when_mac_belongs_elsewhere_leaves_item_open(officer, run, department):
    item = item_of(run, Kind.UNREGISTERED_MAC)
    MacAddressFactory(mac=ROGUE, asset=AssetFactory(number="SZMZ-PC-0800", department=department))
    target = AssetFactory(department=department)
    with pytest.raises(ValidationError, match="SZMZ-PC-0800"):
        rec.resolve(item, Resolution.REGISTERED, by=officer, asset=target)
    item.refresh_from_db()
    assert item.resolution == Resolution.OPEN
    assert not IPAssignment.objects.filter(ip="10.20.1.99").exists()


def test_update_moves_the_assignment_to_the_seen_ip(officer, run):
    item = rec.resolve(item_of(run, Kind.IP_MISMATCH), Resolution.UPDATED, by=officer)
    assert item.resolution == Resolution.UPDATED
    assert IPAssignment.objects.get(mac=M3).ip == "10.20.1.60"
    assert not IPAssignment.objects.filter(ip="10.20.1.12").exists()
    assert "10.20.1.12" in item.resolution_note


def test_update_releases_a_device_not_seen(officer, run):
    rec.resolve(item_of(run, Kind.NOT_SEEN), Resolution.UPDATED, by=officer)
    assert not IPAssignment.objects.filter(ip="10.20.1.13").exists()
    assert MacAddress.objects.filter(mac=M4).exists()  # the device still exists


def test_explain_needs_a_note(officer, run):
    item = item_of(run, Kind.NOT_SEEN)
    with pytest.raises(ValidationError) as excinfo:
        rec.resolve(item, Resolution.EXPLAINED, by=officer, note="  ")
    assert "note" in excinfo.value.message_dict
    item = rec.resolve(item, Resolution.EXPLAINED, by=officer, note="该电脑送修，未开机")
    assert (item.resolution, item.resolution_note) == (Resolution.EXPLAINED, "该电脑送修，未开机")


def test_open_an_incident(officer, run):
    item = rec.resolve(
        item_of(run, Kind.UNREGISTERED_MAC), Resolution.INCIDENT, by=officer, note="疑似私接设备"
    )
    incident = item.incident
    assert isinstance(incident, Incident)
    assert incident.category == "other" and incident.subcategory == "other.other"
    assert "10.20.1.99" in incident.title and "疑似私接设备" in incident.description
    assert incident.reported_by == officer


def test_resolution_not_offered_for_the_kind_is_refused(officer, run):
    with pytest.raises(ValidationError, match="只能处理为"):
        rec.resolve(item_of(run, Kind.NOT_SEEN), Resolution.REGISTERED, by=officer, asset=None)


def test_resolved_item_cannot_be_resolved_again(officer, run):
    item = rec.resolve(item_of(run, Kind.NOT_SEEN), Resolution.EXPLAINED, by=officer, note="送修")
    with pytest.raises(ValidationError, match="已处理"):
        rec.resolve(item, Resolution.EXPLAINED, by=officer, note="再次")


def test_department_member_may_not_resolve(staff, run):
    with pytest.raises(PermissionDenied):
        rec.resolve(item_of(run, Kind.NOT_SEEN), Resolution.EXPLAINED, by=staff, note="x")


# --- sign-off and the obligation -------------------------------------------------------------------


def resolve_all(run, by):
    for item in run.items.filter(resolution=Resolution.OPEN):
        rec.resolve(item, Resolution.EXPLAINED, by=by, note="已核实")


def test_sign_off_refused_while_items_are_open(officer, run):
    with pytest.raises(ValidationError) as excinfo:
        rec.sign_off(run, by=officer)
    assert "尚有 3 条差异未处理" in excinfo.value.message_dict["sign_off_note"][0]
    run.refresh_from_db()
    assert run.state == Reconciliation.State.OPEN


def test_sign_off_needs_the_permission(officer, run, centre):
    resolve_all(run, officer)
    # A head of the owning department may change the run but not sign it off.
    head = UserFactory(username="xxzx-head", roles=["department_head", "staff"], departments=[centre])
    with pytest.raises(PermissionDenied):
        rec.sign_off(run, by=head)


def test_sign_off_meets_the_months_obligation(officer, run):
    obligation = rec.ensure_obligation(INTRANET, run.month)
    resolve_all(run, officer)
    run = rec.sign_off(run, by=officer, note="本月核查完毕")
    assert (run.state, run.signed_off_by, run.sign_off_note) == (
        Reconciliation.State.SIGNED_OFF,
        officer,
        "本月核查完毕",
    )
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert run.obligation == obligation
    assert "差异 3 条均已处理" in obligation.evidence
    with pytest.raises(ValidationError, match="已签核"):
        rec.sign_off(run, by=officer)


def test_sign_off_after_the_due_date_is_met_late(officer, centre, register):
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=timezone.get_current_timezone()), tick=False):
        obligation = rec.ensure_obligation(INTRANET, timezone.localdate())
        run = rec.start_reconciliation(
            zone=INTRANET,
            by=officer,
            rows=[{"ip": f"10.20.1.{10 + i}", "mac": m} for i, m in enumerate((M1, M2, M3, M4))],
        )
    assert run.month.isoformat() == "2026-10-01"
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        rec.sign_off(run, by=officer)
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET_LATE


def test_beat_creates_each_zones_obligation_once(officer, centre, department):
    SubnetFactory(cidr="10.20.1.0/24", zone=INTRANET, department=department)
    SubnetFactory(cidr="10.20.2.0/24", zone=INTRANET, department=department)
    SubnetFactory(cidr="172.16.0.0/24", zone=EXTRANET, department=department)
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime(2026, 11, 1, 0, 5, tzinfo=tz), tick=False):
        assert ensure_reconciliation_obligations() == 2
        assert ensure_reconciliation_obligations() == 2  # the same two, not new ones
    obligations = Obligation.objects.filter(kind__startswith="assets.reconciliation").order_by("kind")
    assert obligations.count() == 2
    intranet = obligations.get(kind="assets.reconciliation.gov_intranet")
    assert intranet.title == "2026年11月 政务内网 IP/MAC 月度核查"
    assert intranet.clause == "市民政局制度 第七章第1条"
    assert intranet.department == centre
    assert timezone.localtime(intranet.due_at).strftime("%Y-%m-%d %H:%M:%S") == "2026-11-30 23:59:59"
    assert intranet.notify_roles == ["security_officer"]
    # Next month: a new one each.
    with time_machine.travel(datetime(2026, 12, 1, 0, 5, tzinfo=tz), tick=False):
        ensure_reconciliation_obligations()
    assert Obligation.objects.filter(kind__startswith="assets.reconciliation").count() == 4
    # After the due date an unsigned month is overdue.
    with time_machine.travel(datetime(2026, 12, 1, 0, 5, tzinfo=tz), tick=False):
        intranet.refresh_from_db()
        assert intranet.is_overdue()
        assert intranet.display_state() == "已逾期"


def test_no_subnets_no_obligation(centre):
    assert ensure_reconciliation_obligations() == 0


def test_missing_department_creates_nothing(settings, department):
    settings.ASSETS_RECONCILIATION_DEPARTMENT = "NOPE"
    SubnetFactory(cidr="10.20.1.0/24", zone=INTRANET, department=department)
    assert ensure_reconciliation_obligations() == 0
