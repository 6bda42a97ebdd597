"""The IP plan and the MAC register (7 §1): subnets, IP assignments, MACs. Every rule raises a
ValidationError naming the field (forms show it next to it, the API answers 400)."""

import ipaddress

from django.core.exceptions import ValidationError
from django.db import transaction

from szmz_security.org.access import creatable_departments

from .addresses import normalise_mac
from .models import IPAssignment, MacAddress, Subnet


def _reason(obj, by, reason):
    obj._change_reason = reason
    if by is not None:
        obj._history_user = by


@transaction.atomic
def save_subnet(subnet, *, by, reason=""):
    """Create or change a subnet: CIDR normalised, host bits and overlaps in the zone refused
    (``Subnet.clean``), the department one ``by`` may file for."""
    creating = subnet.pk is None
    moved = (
        not creating
        and Subnet.objects.filter(pk=subnet.pk).exclude(department_id=subnet.department_id).exists()
    )
    if (creating or moved) and not creatable_departments(by, Subnet).filter(pk=subnet.department_id).exists():
        raise ValidationError({"department": "您不能为该部门登记网段。"})
    if not creating:
        old = Subnet.objects.filter(pk=subnet.pk).values_list("cidr", "zone").first()
        subnet.full_clean()
        if old and (old[0] != subnet.cidr or old[1] != subnet.zone):
            outside = [
                a.ip for a in subnet.assignments.only("ip") if _ip_version_in(a.ip, subnet.network) is False
            ]
            if outside:
                raise ValidationError(
                    {"cidr": f"网段内已分配的 {'、'.join(outside[:5])} 不在新网段内，请先调整这些分配。"}
                )
            if old[1] != subnet.zone and subnet.assignments.exists():
                raise ValidationError({"zone": "网段内已有 IP 分配，不能更改网络区域。"})
    else:
        subnet.full_clean()
    _reason(subnet, by, reason or ("登记网段" if creating else "编辑网段"))
    subnet.save()
    if not creating:
        # The assignments follow their subnet's department.
        for assignment in subnet.assignments.exclude(department_id=subnet.department_id):
            assignment.department_id = subnet.department_id
            _reason(assignment, by, "随网段调整所属部门")
            assignment.save(update_fields=["department"])
    return subnet


def _ip_version_in(ip, network):
    address = ipaddress.ip_address(ip)
    return address.version == network.version and address in network


@transaction.atomic
def delete_subnet(subnet, *, by):
    count = subnet.assignments.count()
    if count:
        raise ValidationError(f"网段 {subnet.cidr} 内仍有 {count} 条 IP 分配，请先删除或迁移后再删除网段。")
    _reason(subnet, by, "删除网段")
    subnet.delete()


def _mac_owner_error(mac, registered):
    return ValidationError(
        {
            "mac": f"MAC {mac.upper().replace(':', '-')} 已登记在资产 {registered.asset.number} 上，一个 MAC 只能属于一项资产。"
        }
    )


def _check_mac(assignment, by):
    """The MAC normalised and, when new, to be registered to the assignment's asset; a MAC of
    another asset is refused (naming it). Returns the MacAddress to create, or None."""
    if not assignment.mac:
        return None
    try:
        assignment.mac = normalise_mac(assignment.mac)
    except ValidationError as error:
        raise ValidationError({"mac": error.messages}) from None
    registered = MacAddress.objects.filter(mac=assignment.mac).select_related("asset").first()
    if registered is not None:
        if assignment.asset_id is None:
            assignment.asset = registered.asset
        elif registered.asset_id != assignment.asset_id:
            raise _mac_owner_error(assignment.mac, registered)
        return None
    used = (
        IPAssignment.objects.filter(mac=assignment.mac)
        .exclude(pk=assignment.pk)
        .exclude(asset=None)
        .select_related("asset")
        .first()
    )
    if used is not None:
        if assignment.asset_id is None:
            assignment.asset = used.asset
        elif used.asset_id != assignment.asset_id:
            raise _mac_owner_error(assignment.mac, used)
    if assignment.asset_id is None:
        raise ValidationError({"asset": "登记 MAC 地址须指定所属资产。"})
    return MacAddress(
        mac=assignment.mac, asset=assignment.asset, department_id=assignment.asset.department_id
    )


def _save_assignment(assignment, *, by, reason):
    errors = {}
    mac_record = None
    try:
        mac_record = _check_mac(assignment, by)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        assignment.full_clean(exclude=["subnet", "department"], validate_constraints=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationError(errors)
    if by is not None:
        creating = assignment.pk is None
        moved = (
            not creating
            and IPAssignment.objects.filter(pk=assignment.pk)
            .exclude(department_id=assignment.department_id)
            .exists()
        )
        if (creating or moved) and not creatable_departments(by, IPAssignment).filter(
            pk=assignment.department_id
        ).exists():
            raise ValidationError(
                {"ip": f"{assignment.ip} 所在网段属于{assignment.subnet.department}，您不能为该部门分配 IP。"}
            )
    _reason(assignment, by, reason)
    assignment.save()
    if mac_record is not None:
        _reason(mac_record, by, f"随 IP 分配 {assignment.ip} 登记")
        mac_record.save()
    return assignment


@transaction.atomic
def assign_ip(*, ip, zone, mac="", asset=None, hostname="", note="", by=None, reason=""):
    """Give ``ip`` in ``zone`` to a device: the IP normalised and inside a subnet of the zone
    (which decides subnet and department), not yet assigned in the zone; the MAC in any notation,
    registered to the asset when new, refused when it is another asset's."""
    assignment = IPAssignment(
        ip=(ip or "").strip(), zone=zone, mac=(mac or "").strip(), asset=asset, hostname=hostname, note=note
    )
    return _save_assignment(assignment, by=by, reason=reason or "分配 IP")


@transaction.atomic
def update_assignment(assignment, *, by=None, reason="", **changes):
    """Change an assignment under the same rules (``ip``, ``zone``, ``mac``, ``asset``,
    ``hostname``, ``note``)."""
    for name, value in changes.items():
        setattr(assignment, name, value.strip() if isinstance(value, str) else value)
    return _save_assignment(assignment, by=by, reason=reason or "编辑 IP 分配")


def delete_assignment(assignment, *, by=None, reason=""):
    """Release an address. The MAC stays registered to its asset (the device still exists)."""
    _reason(assignment, by, reason or "收回 IP")
    assignment.delete()


@transaction.atomic
def register_mac(*, mac, asset, interface="", by=None):
    """Register a MAC to an asset (one asset per MAC, any notation)."""
    record = MacAddress(mac=(mac or "").strip(), asset=asset, interface=interface)
    if asset is not None:
        record.department_id = asset.department_id
    errors = {}
    if asset is None:
        errors["asset"] = ["请选择资产。"]
    try:
        record.full_clean(exclude=["department", "asset"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not errors:
        used = IPAssignment.objects.filter(mac=record.mac).exclude(asset=None).exclude(asset=asset)
        other = used.select_related("asset").first()
        if other is not None:
            errors["mac"] = [f"MAC {record} 已在 IP 分配中登记给资产 {other.asset.number}。"]
    if errors:
        raise ValidationError(errors)
    _reason(record, by, "登记 MAC")
    record.save()
    return record


def delete_mac(record, *, by=None):
    if IPAssignment.objects.filter(mac=record.mac).exists():
        raise ValidationError(f"MAC {record} 仍有 IP 分配使用，请先收回这些 IP。")
    _reason(record, by, "删除 MAC 登记")
    record.delete()
