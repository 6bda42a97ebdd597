"""Factories of the secrecy app."""

import datetime

import factory
from django.utils import timezone

from secrecy.models import ArchiveSeries, ClassifiedPerson, SecrecyEducation
from tests.factories import DepartmentFactory, UserFactory


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


class ClassifiedPersonFactory(factory.django.DjangoModelFactory):
    """An 在岗 classified person with a passed review and a signed commitment. The factory's
    record is unrestricted unless ``restricted=True`` (the service always marks it restricted)."""

    class Meta:
        model = ClassifiedPerson

    person = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    post = factory.Sequence(lambda n: f"涉密岗位{n}")
    level = ClassifiedPerson.Level.GENERAL
    reviewed_on = factory.LazyFunction(lambda: days_ago(60))
    review_result = ClassifiedPerson.ReviewResult.PASSED
    reviewer = factory.SubFactory(UserFactory)
    commitment_signed_on = factory.LazyFunction(lambda: days_ago(50))
    status = ClassifiedPerson.Status.ON_POST
    restricted = False


class SecrecyEducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecrecyEducation
        skip_postgeneration_save = True

    held_on = factory.LazyFunction(lambda: days_ago(5))
    topic = factory.Sequence(lambda n: f"保密教育{n}")
    organizer = "局保密办"
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)


class ArchiveSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArchiveSeries

    code = factory.Sequence(lambda n: f"A-{n:04d}")
    name = factory.Sequence(lambda n: f"档案类目{n}")
    department = factory.SubFactory(DepartmentFactory)
    grade = ArchiveSeries.Grade.INTERNAL
    basis = "内部工作文件，不涉及国家秘密。"
    graded_on = factory.LazyFunction(lambda: days_ago(30))
    graded_by = factory.SubFactory(UserFactory)
    review_period_years = 1
