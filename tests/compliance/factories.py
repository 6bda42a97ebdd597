"""Factories of the compliance tests."""

import datetime

import factory

from szmz_security.compliance.models import InspectionReport
from tests.factories import UserFactory


class InspectionReportFactory(factory.django.DjangoModelFactory):
    """A report of the last quarter, requested and not yet built."""

    class Meta:
        model = InspectionReport

    period_start = datetime.date(2026, 7, 1)
    period_end = datetime.date(2026, 9, 30)
    requested_by = factory.SubFactory(UserFactory)
