"""Table pieces shared by every app's django-tables2 tables.

Both columns are registered with django-tables2's column library, so a model field listed in a
table's ``Meta.fields`` gets them without being declared; ``CoreConfig.ready`` imports this module.
Declare a column explicitly with ``DateTimeColumn(verbose_name=…)`` from here, not from django-tables2.
"""

from datetime import datetime

import django_tables2 as tables
from django.db import models
from django.utils import timezone
from django_tables2.columns import library

from szmz_security.org.models import display_name


@library.register
class YesNoColumn(tables.BooleanColumn):
    """Booleans read 是/否, on screen and in CSV exports (django-tables2 shows ✔/✘ and exports
    True/False)."""

    def __init__(self, yesno="是,否", **kwargs):
        super().__init__(yesno=yesno, **kwargs)

    def value(self, record, value, bound_column):
        return self.yesno[int(not self._get_bool_value(record, value, bound_column))]


@library.register
class DateTimeColumn(tables.DateTimeColumn):
    """Local (Asia/Shanghai) time as ``2026-11-24 14:55`` on screen, and to the second in CSV
    exports (django-tables2 exports the UTC ISO form, ``2026-11-24 06:55:39.138826+00:00``)."""

    def __init__(self, format="Y-m-d H:i", **kwargs):  # noqa: A002 - django-tables2's own name
        super().__init__(format=format, **kwargs)

    def value(self, value, **kwargs):
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return local.strftime("%Y-%m-%d %H:%M:%S")
        return super().value(value=value, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)


class RecordColumn(tables.Column):
    """The record itself by its name (``str(record)``), linked to its page, on screen and in CSV."""

    def __init__(self, **kwargs):
        super().__init__(accessor="pk", linkify=lambda record: record.get_absolute_url(), **kwargs)

    def render(self, record):
        return str(record)

    def value(self, record):
        return str(record)


class PersonColumn(tables.Column):
    """A user by the name people know them by (``display_name``), on screen and in CSV."""

    def render(self, value):
        return display_name(value)

    def value(self, value):
        return display_name(value)
