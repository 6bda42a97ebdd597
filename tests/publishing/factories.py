"""Factories of the publishing tests."""

import datetime

import factory

from publishing.models import HarmfulContentReport, PublicAccount, PublicAccountReview, Publication
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


class PublicAccountFactory(factory.django.DjangoModelFactory):
    """An operating WeChat account of a department."""

    class Meta:
        model = PublicAccount

    department = factory.SubFactory(DepartmentFactory)
    platform = "wechat"
    name = factory.Sequence(lambda n: f"深圳民政{n}")
    account_id = factory.Sequence(lambda n: f"szmz{n:04d}")
    registered_entity = "深圳市民政局"
    registered_on = datetime.date(2020, 1, 1)
    content_officer = factory.SubFactory(UserFactory)


class PublicAccountReviewFactory(factory.django.DjangoModelFactory):
    """An account's review of a year, not yet done."""

    class Meta:
        model = PublicAccountReview

    account = factory.SubFactory(PublicAccountFactory)
    department = factory.SelfAttribute("account.department")
    year = factory.Sequence(lambda n: 2000 + n)
