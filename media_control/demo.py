"""Demo records for ``manage.py seed_demo`` (idempotent): eight media across the levels, one
designated vendor, one medium checked out with its open return obligation."""

from datetime import date, timedelta

from django.utils import timezone

from .ledger import services as ledger_services
from .models import Medium, Vendor
from .movements import services as movement_services

# serial, type, level, years, zone, department, custodian, brand, capacity
DEMO_MEDIA = [
    ("DEMO-SN-0001", "usb", "public", None, "internet", "BGS", "staff.bgs", "金士顿", "32GB"),
    ("DEMO-SN-0002", "usb", "internal", None, "gov_intranet", "SHJZ", "staff.shjz", "闪迪", "64GB"),
    ("DEMO-SN-0003", "hard_disk", "internal", None, "gov_intranet", "SHJZ", "head.shjz", "希捷", "1TB"),
    ("DEMO-SN-0004", "optical", "internal", None, "gov_extranet", "YLFW", "staff.ylfw", "威宝", "4.7GB"),
    ("DEMO-SN-0005", "card", "public", None, "gov_extranet", "ETFL", "staff.etfl", "三星", "128GB"),
    ("DEMO-SN-0006", "usb", "secret", 10, "classified", "BGS", "secrecy", "朗科（涉密专用）", "16GB"),
    (
        "DEMO-SN-0007",
        "hard_disk",
        "confidential",
        20,
        "standalone",
        "BGS",
        "secrecy",
        "希捷（涉密专用）",
        "500GB",
    ),
    ("DEMO-SN-0008", "usb", "internal", None, "gov_intranet", "XXZX", "officer", "金士顿", "64GB"),
]


def seed(departments, users):
    vendor, _ = Vendor.objects.get_or_create(
        name="深圳市涉密载体销毁服务中心（演示）",
        defaults={
            "designated": True,
            "designation_number": "粤保定-2026-018",
            "designation_expires_on": date(timezone.localdate().year + 2, 12, 31),
            "services": "涉密设备维修、数据恢复、涉密载体销毁",
            "contact": "黄工",
            "phone": "0755-8888 0000",
        },
    )
    media = {}
    for serial, kind, level, years, zone, code, custodian, brand, capacity in DEMO_MEDIA:
        medium = Medium.objects.filter(serial=serial).first()
        if medium is None:
            medium = ledger_services.save_medium(
                Medium(
                    serial=serial,
                    type=kind,
                    secrecy_level=level,
                    protection_years=years,
                    zone=zone,
                    department=departments[code],
                    custodian=users.get(custodian),
                    brand=brand,
                    capacity=capacity,
                ),
                by=users.get(custodian),
                reason="演示数据",
            )
        media[serial] = medium

    # One medium of 社会救助处 checked out to its clerk, due back in two days (open obligation).
    lent = media["DEMO-SN-0002"]
    if not lent.checkouts.exists():
        checkout = movement_services.request_checkout(
            lent,
            requester=users["staff.shjz"],
            purpose="赴街道核对低保申请材料",
            zone=lent.zone,
            expected_return_at=timezone.now() + timedelta(days=2),
        )
        movement_services.approve_checkout(checkout, by=users["head.shjz"], comment="同意")
        movement_services.hand_out(checkout, by=users["head.shjz"])
    return vendor
