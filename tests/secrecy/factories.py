"""Factories of the secrecy records (the access contract and the query-count test pick them up)."""

import datetime

import factory
from django.utils import timezone

from secrecy.models import (
    ArchiveSeries,
    ClassifiedDocument,
    ClassifiedPerson,
    DocumentCirculation,
    DocumentCustodian,
    SecrecyEducation,
    SecrecyPeriodReview,
)
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


def today():
    return timezone.localdate()


# --- secrecy: documents --------------------------------------------------------------------------


class ClassifiedDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassifiedDocument

    department = factory.SubFactory(DepartmentFactory)
    registered_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=10))
    number = factory.Sequence(lambda n: f"MW-{n:04d}")
    title = factory.Sequence(lambda n: f"关于某项工作的通知（{n}）")
    issuer = "民政部办公厅"
    document_number = factory.Sequence(lambda n: f"民办发〔2026〕{n}号")
    level = ClassifiedDocument.Level.CONFIDENTIAL
    secrecy_years = 10
    copies = 1
    custodian = factory.SubFactory(UserFactory)
    # The model restricts by default; the access contract needs an ordinary record by default.
    restricted = False


class DocumentCirculationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentCirculation

    document = factory.SubFactory(ClassifiedDocumentFactory)
    recipient = factory.SubFactory(UserFactory)
    lent_on = factory.LazyFunction(today)
    due_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=7))
    recorded_by = factory.SubFactory(UserFactory)


class DocumentCustodianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentCustodian

    department = factory.SubFactory(DepartmentFactory)
    person = factory.SubFactory(UserFactory)
    filed_with_office_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))


class SecrecyPeriodReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecrecyPeriodReview

    department = factory.SubFactory(DepartmentFactory)
    # One review per department and year: successive records go back a year each.
    year = factory.Sequence(lambda n: today().year - n % 20)
    reviewed_on = factory.LazyAttribute(lambda o: min(today(), datetime.date(o.year, 12, 1)))
    reviewed_by = factory.SubFactory(UserFactory)
    result = SecrecyPeriodReview.Result.UNCHANGED
