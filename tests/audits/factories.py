"""Factories of the audits app (reviews, projects, risks)."""

import datetime

import factory
from django.utils import timezone

from audits.models import (
    EmergencyDrill,
    EmergencyPlan,
    ExternalAssessment,
    OutsourcingReview,
    PersonalDataDestruction,
    PersonalDataInventory,
    Project,
    QuarterlyReview,
    Risk,
    ServiceContract,
    VendorStaffAccess,
)
from tests.factories import DepartmentFactory, UserFactory
from tests.media_control.factories import VendorFactory


class QuarterlyReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReview

    year = factory.Sequence(lambda n: 2000 + n)
    quarter = 1
    department = factory.SubFactory(DepartmentFactory)


class ExternalAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalAssessment

    kind = ExternalAssessment.Kind.GRADING
    assessor = factory.Sequence(lambda n: f"深圳市信息安全测评中心{n}")
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    conclusion = "基本符合等级保护第三级要求。"
    department = factory.SubFactory(DepartmentFactory)
    recorded_by = factory.SubFactory(UserFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"民政信息系统项目{n}")
    department = factory.SubFactory(DepartmentFactory)
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    title = factory.Sequence(lambda n: f"风险{n}")
    department = factory.SubFactory(DepartmentFactory)
    owner = factory.SubFactory(UserFactory)
    likelihood = 2
    severity = 2


class EmergencyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyPlan

    title = factory.Sequence(lambda n: f"网络安全事件应急预案{n}")
    scope = "政务外网、民政业务系统"
    version = "2026版"
    summary = "启动条件、应急组织、处置流程、系统恢复流程。"
    department = factory.SubFactory(DepartmentFactory)


class EmergencyDrillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyDrill

    department = factory.SubFactory(DepartmentFactory)
    plan = factory.SubFactory(EmergencyPlanFactory, department=factory.SelfAttribute("..department"))
    planned_on = factory.LazyFunction(timezone.localdate)
    scenario = factory.Sequence(lambda n: f"场景{n}：核心业务系统数据库故障，切换到备用服务器。")


class ServiceContractFactory(factory.django.DjangoModelFactory):
    """A draft contract with its security agreement signed (ready to activate)."""

    class Meta:
        model = ServiceContract

    vendor = factory.SubFactory(VendorFactory)
    title = factory.Sequence(lambda n: f"运维服务合同{n}")
    scope = ServiceContract.Scope.OPERATIONS
    systems = "民政业务系统、中心机房"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
    agreement_signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=31))
    contact = "李经理"
    department = factory.SubFactory(DepartmentFactory)


class VendorStaffAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorStaffAccess

    department = factory.SubFactory(DepartmentFactory)
    contract = factory.SubFactory(ServiceContractFactory, department=factory.SelfAttribute("..department"))
    name = factory.Sequence(lambda n: f"外包人员{n}")
    identifier = factory.Sequence(lambda n: f"44030119900101{n:04d}")
    role = "运维工程师"
    access_scope = "民政业务系统运维账号；中心机房"
    access_granted_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    commitment_signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=21))


class OutsourcingReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutsourcingReview

    department = factory.SubFactory(DepartmentFactory)
    contract = factory.SubFactory(ServiceContractFactory, department=factory.SelfAttribute("..department"))
    reviewed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    reviewer = factory.SubFactory(UserFactory)
    conclusion = "服务商履约正常，人员权限与合同一致。"


class PersonalDataInventoryFactory(factory.django.DjangoModelFactory):
    """A department's record of who it holds personal information about, under its legal duty."""

    class Meta:
        model = PersonalDataInventory

    department = factory.SubFactory(DepartmentFactory)
    system = "社会救助信息系统"
    dataset = factory.Sequence(lambda n: f"低保申请材料{n}")
    subjects = "低保对象"
    categories = factory.LazyFunction(lambda: ["identity", "contact"])
    purpose = "审核最低生活保障申请"
    storage_location = "政务云"
    access_scope = "社会救助处经办人员"


class PersonalDataDestructionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalDataDestruction

    inventory = factory.SubFactory(PersonalDataInventoryFactory)
    department = factory.SelfAttribute("inventory.department")
    destroyed_on = datetime.date(2026, 1, 15)
    scope = "2019年以前已注销对象的申请材料"
    record_count = 120
    performed_by = factory.SubFactory(UserFactory)
    witness = factory.SubFactory(UserFactory)
