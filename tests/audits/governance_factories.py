"""Factories of the governance records (roster, rota, scans, patches, log sources, training,
account reviews, privileged accounts)."""

import datetime

import factory
from django.utils import timezone

from audits.models import (
    AccountReview,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PatchRecord,
    PrivilegedAccount,
    SecurityScan,
    TrainingSession,
)
from tests.factories import DepartmentFactory, UserFactory


def today():
    return timezone.localdate()


class OfficerAppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerAppointment

    person = factory.SubFactory(UserFactory)
    kind = OfficerAppointment.Kind.PART_TIME
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    appointed_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    department = factory.SubFactory(DepartmentFactory)


class OnCallShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnCallShift

    person = factory.SubFactory(UserFactory)
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")
    starts_on = factory.LazyFunction(today)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=6))
    department = factory.SubFactory(DepartmentFactory)


class SecurityScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityScan

    scanned_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=3))
    tool = factory.Sequence(lambda n: f"漏洞扫描器{n}")
    system = factory.Sequence(lambda n: f"民政业务系统{n}")
    performed_by = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class PatchRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatchRecord

    system = factory.Sequence(lambda n: f"办公服务器{n}")
    patch_id = factory.Sequence(lambda n: f"KB50{n:05d}")
    applied_on = factory.LazyFunction(today)
    applied_by = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class LogSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogSource

    system = factory.Sequence(lambda n: f"日志系统{n}")
    location = "日志审计服务器 /var/log"
    retention_days = 180
    last_verified_on = factory.LazyFunction(today)
    department = factory.SubFactory(DepartmentFactory)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"信息安全培训{n}")
    held_on = factory.LazyFunction(today)
    trainer = "张老师"
    audience = "全体安全员"
    hours = 2
    department = factory.SubFactory(DepartmentFactory)


class AccountReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountReview

    kind = AccountReview.Kind.DEACTIVATED
    subject = factory.SubFactory(UserFactory)
    reason = factory.Sequence(lambda n: f"人员离职{n}")
    department = factory.SubFactory(DepartmentFactory)


class PrivilegedAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivilegedAccount

    system = factory.Sequence(lambda n: f"核心数据库{n}")
    account_name = factory.Sequence(lambda n: f"dba{n}")
    holder = factory.SubFactory(UserFactory)
    approved_by = factory.SubFactory(UserFactory)
    approved_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=10))
    password_interval_days = 90
    department = factory.SubFactory(DepartmentFactory)
