"""Factories of the secrecy records (the access contract and the query-count test pick them up)."""

import datetime

import factory
from django.utils import timezone

from secrecy.models import ClassifiedDocument, DocumentCirculation, DocumentCustodian, SecrecyPeriodReview
from tests.factories import DepartmentFactory, UserFactory


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
