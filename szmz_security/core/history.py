"""Field-by-field differences for the History tab (django-simple-history's ``diff_against``).

Queries stay constant per page: the page's records, the one record before the page, and one
query per related model whose ids appear in the changes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone

HISTORY_TYPES = {"+": "创建", "~": "修改", "-": "删除"}


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    record: object
    kind: str
    changes: list = field(default_factory=list)

    @property
    def user(self):
        return self.record.history_user

    @property
    def date(self):
        return self.record.history_date

    @property
    def reason(self):
        return self.record.history_change_reason


def _display(model_field, value, related_names):
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(model_field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(model_field, models.ForeignKey):
        return related_names.get((model_field.related_model, value), f"#{value}")
    # The portal's one date style (as in the tables), to the second: a change of seconds shows.
    if isinstance(model_field, models.DateTimeField) and isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(model_field, models.DateField) and isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return value


def history_entries(obj, page):
    records = list(page.object_list)
    if not records:
        return []
    model = type(obj)
    excluded = set(getattr(obj.history.model, "_history_excluded_fields", []) or [])
    # The record just before the oldest one on this page, to diff it against.
    oldest = records[-1]
    previous = (
        obj.history.filter(history_date__lte=oldest.history_date)
        .exclude(pk=oldest.pk)
        .order_by("-history_date", "-history_id")
        .first()
    )
    pairs = list(zip(records, [*records[1:], previous], strict=True))

    raw = []
    wanted = defaultdict(set)
    for new, old in pairs:
        if old is None or new.history_type == "+":
            raw.append((new, []))
            continue
        delta = new.diff_against(old, excluded_fields=excluded)
        changes = []
        for change in delta.changes:
            try:
                model_field = model._meta.get_field(change.field)
            except Exception:  # noqa: BLE001 - a field dropped since; show raw values
                model_field = None
            if isinstance(model_field, models.ForeignKey):
                for value in (change.old, change.new):
                    if value is not None:
                        wanted[model_field.related_model].add(value)
            changes.append((change, model_field))
        raw.append((new, changes))

    related_names = {}
    for related_model, ids in wanted.items():
        for related in related_model._default_manager.filter(pk__in=ids):
            related_names[(related_model, related.pk)] = str(related)

    entries = []
    for new, changes in raw:
        entry = HistoryEntry(record=new, kind=HISTORY_TYPES.get(new.history_type, new.history_type))
        for change, model_field in changes:
            label = str(model_field.verbose_name) if model_field is not None else change.field
            if model_field is None:
                entry.changes.append(Change(change.field, label, change.old, change.new))
            else:
                entry.changes.append(
                    Change(
                        change.field,
                        label,
                        _display(model_field, change.old, related_names),
                        _display(model_field, change.new, related_names),
                    )
                )
        entries.append(entry)
    return entries
