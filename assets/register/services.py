"""The register's services: saving an asset under its rules, and the compliance list (each rule
one SQL condition). Settings of the register with their defaults."""

import datetime as dt
from collections import namedtuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from szmz_security.core.choices import CLASSIFIED_LEVELS, CLASSIFIED_ZONES, NetworkZone
from szmz_security.org.access import MANAGE_DEPARTMENT_PERMISSION, creatable_departments

from ..network.models import MacAddress
from .models import Asset

# Settings of the register, with their defaults (each read from the environment in settings.py).
REGISTER_DEFAULTS = {
    "ASSET_ANTIVIRUS_MAX_AGE_DAYS": 30,
    "ASSET_IMPORT_MAX_ROWS": 20_000,
    "ASSET_IMPORT_INLINE_ROWS": 200,
    "ASSET_IMPORT_MAX_MB": 20,
    "ASSET_LABELS_MAX": 1000,
    "ASSET_BACKUP_DUE_TIME": "23:59:59",
}


def register_setting(name):
    return getattr(settings, name, REGISTER_DEFAULTS[name])


def save_asset(asset, *, by, reason=""):
    """Create or change an asset: the department must be one ``by`` may file for (when new or
    moved), and ``Asset.clean()``'s rules refuse the record with a field error."""
    creating = asset.pk is None
    moved = (
        not creating and Asset.objects.filter(pk=asset.pk).exclude(department_id=asset.department_id).exists()
    )
    if (creating or moved) and not creatable_departments(by, Asset).filter(pk=asset.department_id).exists():
        raise ValidationError({"department": "您不能为该部门登记资产。"})
    asset.full_clean()
    asset._change_reason = reason or ("登记资产" if creating else "编辑资产信息")
    asset.save()
    return asset


ComplianceRule = namedtuple("ComplianceRule", "code label")


def antivirus_max_age_days():
    return int(register_setting("ASSET_ANTIVIRUS_MAX_AGE_DAYS"))


def compliance_rules():
    days = antivirus_max_age_days()
    return [
        ComplianceRule("classified_zone", "涉密资产未用于涉密网或单机"),
        ComplianceRule("wireless", "涉密计算机未拆除无线模块"),
        ComplianceRule("antivirus", f"病毒库超过 {days} 天未更新或未登记"),
        ComplianceRule("no_mac", "联网计算机未登记 MAC 地址"),
        ComplianceRule("data_grade", "信息系统未定数据级别"),
    ]


def compliance_conditions(today=None):
    """Each rule as one SQL condition (no loop over rows). Scrapped assets are out of service and
    break no rule."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=antivirus_max_age_days())
    in_service = ~Q(status=Asset.Status.SCRAPPED)
    in_use = Q(status=Asset.Status.IN_USE)
    computers = Q(type__in=Asset.COMPUTER_TYPES)
    classified = Q(secrecy__in=CLASSIFIED_LEVELS)
    has_mac = Exists(MacAddress.objects.filter(asset=OuterRef("pk")))
    return {
        "classified_zone": in_service & classified & ~Q(zone__in=CLASSIFIED_ZONES),
        "wireless": in_service & classified & computers & Q(wireless_removed=False),
        "antivirus": in_use
        & computers
        & (Q(antivirus_updated_on__isnull=True) | Q(antivirus_updated_on__lt=cutoff)),
        "no_mac": in_use & computers & ~Q(zone=NetworkZone.STANDALONE) & ~Q(has_mac),
        "data_grade": in_service & Q(type=Asset.Type.SYSTEM, data_grade=""),
    }


def with_compliance(queryset, rule=None, today=None):
    """``queryset`` annotated ``breaks_<rule>`` per rule and narrowed to the assets breaking at
    least one (or ``rule``)."""
    conditions = compliance_conditions(today)
    annotated = queryset.annotate(
        **{
            f"breaks_{code}": ExpressionWrapper(condition, output_field=BooleanField())
            for code, condition in conditions.items()
        }
    )
    if rule:
        return annotated.filter(conditions[rule])
    combined = Q()
    for condition in conditions.values():
        combined |= condition
    return annotated.filter(combined)


def compliance_reasons(asset):
    """The rules an annotated asset breaks, in words (with the figure that breaks it)."""
    reasons = []
    if getattr(asset, "breaks_classified_zone", False):
        reasons.append(f"{asset.get_secrecy_display()}资产用于{asset.get_zone_display()}")
    if getattr(asset, "breaks_wireless", False):
        reasons.append("涉密计算机未拆除无线模块")
    if getattr(asset, "breaks_antivirus", False):
        if asset.antivirus_updated_on:
            age = (timezone.localdate() - asset.antivirus_updated_on).days
            reasons.append(f"病毒库 {age} 天未更新（{asset.antivirus_updated_on:%Y-%m-%d}）")
        else:
            reasons.append("未登记病毒库更新日期")
    if getattr(asset, "breaks_no_mac", False):
        reasons.append("联网计算机未登记 MAC 地址")
    if getattr(asset, "breaks_data_grade", False):
        reasons.append("信息系统未定数据级别")
    return reasons


def find_asset(user, number):
    number = (number or "").strip()
    if not number:
        return None
    return Asset.objects.visible_to(user, "change").filter(number=number).first()


def may_import(user):
    """Who may batch-import: whoever may add assets, and department heads (their department's
    rows; the import checks each row's department)."""
    return user.has_perm("assets.add_asset") or user.has_perm(MANAGE_DEPARTMENT_PERMISSION)
