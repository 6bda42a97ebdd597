"""Factories of the audits app (reviews, projects, risks)."""

import datetime

import factory
from django.utils import timezone

from audits.models import (
    ExternalAssessment,
    PersonalDataDestruction,
    PersonalDataInventory,
    Project,
    QuarterlyReview,
    Risk,
)
from tests.factories import DepartmentFactory, UserFactory


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
