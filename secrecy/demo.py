"""Demo records of the secrecy app (``manage.py seed_demo``; idempotent)."""

import datetime

from django.utils import timezone

from .archives import services as archives
from .documents import demo as documents_demo
from .models import ArchiveSeries, ClassifiedPerson, SecrecyEducation
from .personnel import services as personnel


def seed(departments, users):
    """Each sub-package adds its few illustrative records here."""
    seed_personnel_archives(departments, users)


def seed_personnel_archives(departments, users):
    """Two classified people of 社会救助处 (one on post, one in the 脱密期), a 保密教育 session this
    year, two graded archive series (one 秘密 re-graded), and this year's education obligation."""
    secrecy, today = users["secrecy"], timezone.localdate()
    department = departments["SHJZ"]
    office = departments["BGS"]
    on_post = users["head.shjz"]
    leaving = users["staff.shjz"]
    if not ClassifiedPerson.objects.filter(person=on_post).exists():
        personnel.save_person(
            ClassifiedPerson(
                person=on_post,
                department=department,
                post="社会救助对象核对数据管理（演示）",
                level=ClassifiedPerson.Level.IMPORTANT,
                reviewed_on=today - datetime.timedelta(days=200),
                review_result=ClassifiedPerson.ReviewResult.PASSED,
                reviewer=secrecy,
                commitment_signed_on=today - datetime.timedelta(days=190),
                status=ClassifiedPerson.Status.ON_POST,
            )
        )
    if not ClassifiedPerson.objects.filter(person=leaving).exists():
        person = personnel.save_person(
            ClassifiedPerson(
                person=leaving,
                department=department,
                post="涉密文件收发（演示）",
                level=ClassifiedPerson.Level.GENERAL,
                reviewed_on=today - datetime.timedelta(days=400),
                review_result=ClassifiedPerson.ReviewResult.PASSED,
                reviewer=secrecy,
                commitment_signed_on=today - datetime.timedelta(days=395),
                status=ClassifiedPerson.Status.ON_POST,
            )
        )
        personnel.leave_post(
            person,
            left_post_on=today - datetime.timedelta(days=30),
            leaving_commitment_signed_on=today - datetime.timedelta(days=30),
            by=secrecy,
        )
    if not SecrecyEducation.objects.filter(held_on__year=today.year).exists():
        education = SecrecyEducation.objects.create(
            department=office,
            held_on=today.replace(month=1, day=1) if today.month > 1 else today,
            topic="新修订《保守国家秘密法》学习（演示）",
            organizer="局保密办",
        )
        education.attendees.set([secrecy, users["staff.bgs"]])
    personnel.ensure_yearly_education(today)

    series = [
        (
            "SZMZ-A-001（演示）",
            "社会救助对象家庭经济状况核对档案",
            "secret",
            "涉及个人隐私及核对数据，按民政部定密范围定为秘密。",
        ),
        ("SZMZ-A-002（演示）", "局机关行政公文（一般）", "internal", "内部工作文件，不涉及国家秘密。"),
    ]
    for code, name, grade, basis in series:
        if ArchiveSeries.objects.filter(code=code).exists():
            continue
        item = archives.save_series(
            ArchiveSeries(
                code=code,
                name=name,
                department=department if grade == "secret" else office,
                grade=grade,
                basis=basis,
                graded_on=today - datetime.timedelta(days=400),
                graded_by=secrecy,
            )
        )
        if grade == "secret":
            archives.regrade(
                item,
                grade=grade,
                basis=basis,
                reason="年度复评：内容和知悉范围未变，维持秘密级。",
                graded_on=today - datetime.timedelta(days=20),
                by=secrecy,
            )
    documents_demo.seed(departments, users)
