"""Demo records of the classified documents register (idempotent): two documents of 办公室, one
in circulation with its open return obligation, one destroyed before a witness, and the
custodian filed with the office."""

from datetime import timedelta

from django.utils import timezone

from . import services
from .models import ClassifiedDocument, DocumentCustodian


def seed(departments, users):
    office, custodian, witness = departments.get("BGS"), users.get("secrecy"), users.get("head.shjz")
    if office is None or custodian is None:
        return
    today = timezone.localdate()
    DocumentCustodian.objects.get_or_create(
        department=office,
        person=custodian,
        defaults={"filed_with_office_on": today - timedelta(days=300), "note": "演示数据"},
    )
    documents = [
        ("DEMO-JM-001", "关于加强社会救助数据保密管理的通知（演示）", "民政部办公厅", "机密", 10),
        ("DEMO-JM-002", "年度保密检查工作方案（演示）", "市保密局", "秘密", 5),
    ]
    for number, title, issuer, level, years in documents:
        if ClassifiedDocument.objects.filter(department=office, number=number).exists():
            continue
        services.save_document(
            ClassifiedDocument(
                department=office,
                registered_on=today - timedelta(days=60),
                number=number,
                title=title,
                issuer=issuer,
                level={"机密": "confidential", "秘密": "secret"}[level],
                secrecy_years=years,
                custodian=custodian,
            )
        )
    first = ClassifiedDocument.objects.get(department=office, number="DEMO-JM-001")
    if not first.circulations.exists() and witness is not None:
        services.lend(first, by=custodian, recipient=witness, lent_on=today, due_on=today + timedelta(days=5))
    second = ClassifiedDocument.objects.get(department=office, number="DEMO-JM-002")
    if not second.is_closed and witness is not None:
        services.destroy(second, on=today, method="定点销毁单位粉碎（演示）", witness=witness, by=custodian)
