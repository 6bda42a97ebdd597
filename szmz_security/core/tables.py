"""Table pieces shared by every app's django-tables2 tables.

Both columns are registered with django-tables2's column library, so a model field listed in a
table's ``Meta.fields`` gets them without being declared; ``CoreConfig.ready`` imports this module.
Declare a column explicitly with ``DateTimeColumn(verbose_name=…)`` from here, not from django-tables2.

Two costs of django-tables2 are removed here, because they were most of a list page's time (issue #14):
its date columns compiled a template for every cell, and it inspected a render method's signature
for every cell (``django_tables2.utils.signature``, 225 ``inspect.signature`` calls a page).
"""

from datetime import date, datetime

import django_tables2 as tables
from django.db import models
from django.utils import formats, timezone
from django_tables2 import utils as tables2_utils
from django_tables2.columns import library

from szmz_security.org.models import display_name

_inspect_signature = tables2_utils.signature
_signatures = {}


def signature(fn):
    """django-tables2's ``signature``, remembered per code object: a render method's or a linkify
    lambda's parameters do not change with the instance or closure it belongs to (binding only drops
    ``self``). Keyed by code, the cache stays as small as the project's source."""
    function = getattr(fn, "__func__", fn)
    code = getattr(function, "__code__", None)
    if code is None:  # a partial or a callable object: not worth remembering
        return _inspect_signature(fn)
    key = (code, hasattr(fn, "__self__"))
    found = _signatures.get(key)
    if found is None:
        found = _signatures[key] = _inspect_signature(fn)
    return found


tables2_utils.signature = signature


@library.register
class YesNoColumn(tables.BooleanColumn):
    """Booleans read 是/否, on screen and in CSV exports (django-tables2 shows ✔/✘ and exports
    True/False)."""

    def __init__(self, yesno="是,否", **kwargs):
        super().__init__(yesno=yesno, **kwargs)

    def value(self, record, value, bound_column):
        return self.yesno[int(not self._get_bool_value(record, value, bound_column))]


def _local(value):
    return timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value


@library.register
class DateTimeColumn(tables.Column):
    """Local (Asia/Shanghai) time as ``2026-11-24 14:55`` on screen, and to the second in CSV
    exports (django-tables2 exports the UTC ISO form, ``2026-11-24 06:55:39.138826+00:00``).
    Formatted directly, where django-tables2's column compiles a ``|date`` template per cell."""

    def __init__(self, format="Y-m-d H:i", **kwargs):  # noqa: A002 - django-tables2's own name
        self.format = format
        super().__init__(**kwargs)

    def render(self, value):
        return formats.date_format(_local(value), self.format) if isinstance(value, date) else value

    def value(self, value):
        if isinstance(value, datetime):
            return _local(value).strftime("%Y-%m-%d %H:%M:%S")
        return value

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)


@library.register
class DateColumn(tables.Column):
    """A date in the Chinese short form on screen (Django's ``SHORT_DATE_FORMAT`` unless a format is
    given) and ISO in CSV exports, as django-tables2's DateColumn, without its template per cell."""

    def __init__(self, format="SHORT_DATE_FORMAT", **kwargs):  # noqa: A002 - django-tables2's own name
        self.format = format
        super().__init__(**kwargs)

    def render(self, value):
        return formats.date_format(value, self.format) if isinstance(value, date) else value

    def value(self, value):
        return value.isoformat() if isinstance(value, date) else value

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
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
