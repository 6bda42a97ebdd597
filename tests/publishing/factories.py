"""Factories of the publishing tests."""

import datetime

import factory

from publishing.models import HarmfulContentReport, Publication
from tests.factories import DepartmentFactory, UserFactory


class PublicationFactory(factory.django.DjangoModelFactory):
    """A draft for the portal, written by a member of its department."""

    class Meta:
        model = Publication

    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"关于开展第{n}次安全检查的通知")
    body = "各处室：请按要求开展自查。"
    author = factory.SubFactory(UserFactory)


class HarmfulContentReportFactory(factory.django.DjangoModelFactory):
    """One month's report of held messages (a month each: the month is unique)."""

    class Meta:
        model = HarmfulContentReport

    month = factory.Sequence(lambda n: datetime.date(2020 + n // 12, n % 12 + 1, 1))
    message_count = 3
