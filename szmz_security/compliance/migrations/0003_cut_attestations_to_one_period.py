"""An attestation is valid for at most one period of its clause's frequency (the period it was
made in). Attestations recorded before that rule (up to three years) are cut to the end of their
period; the history keeps the change and its reason."""

import datetime

from django.db import migrations
from django.utils import timezone

# Kept here, not imported: a migration must not change when the app's code does.
MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def period_last_day(day, frequency):
    if frequency == "daily":
        return day
    if frequency == "weekly":
        return day + datetime.timedelta(days=6 - day.weekday())
    months = MONTHS.get(frequency, 12)
    first_month = (day.month - 1) // months * months  # 0-based month the period starts in
    month = first_month + months
    year = day.year + month // 12
    return datetime.date(year, month % 12 + 1, 1) - datetime.timedelta(days=1)


def frequency_of(clause):
    item = next((i for i in clause.evidence or [] if i.get("kind") == "attestation"), {})
    frequency = item.get("frequency", "")
    return frequency if frequency in ("daily", "weekly", *MONTHS) else "yearly"


def cut(apps, schema_editor):
    Attestation = apps.get_model("compliance", "Attestation")
    HistoricalAttestation = apps.get_model("compliance", "HistoricalAttestation")
    now = timezone.now()
    for attestation in Attestation.objects.select_related("clause").iterator():
        last_day = period_last_day(timezone.localdate(attestation.at), frequency_of(attestation.clause))
        if attestation.valid_until <= last_day:
            continue
        # An update, not save(): no signal may record the change a second time.
        Attestation.objects.filter(pk=attestation.pk).update(valid_until=last_day)
        HistoricalAttestation.objects.create(
            id=attestation.pk,
            clause_id=attestation.clause_id,
            by_id=attestation.by_id,
            at=attestation.at,
            note=attestation.note,
            valid_until=last_day,
            history_date=now,
            history_type="~",
            history_change_reason="有效期截至确认当期（人工确认最长覆盖一期）",
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_clause_renumbered")]

    operations = [migrations.RunPython(cut, migrations.RunPython.noop)]
