"""Issue #14's leaner design, step 2 of 3: every key's per-recipient rows become one message (the
row with the lowest id, its recipients the rows' users) and a receipt for each recipient who read
it or was mailed (state kept: read time, e-mail status, attempts, error). Keys are taken a batch
at a time in key order; plain ORM statements, so it runs on PostgreSQL and SQLite alike."""

from django.db import migrations

BATCH = 1000  # keys per round
RECEIPT_FIELDS = (
    "read_at",
    "email_status",
    "emailed_at",
    "email_error",
    "email_attempts",
    "email_next_attempt_at",
)


def forward(apps, schema_editor):
    Notification = apps.get_model("obligations", "Notification")
    Receipt = apps.get_model("obligations", "NotificationReceipt")
    last_key = None
    while True:
        keys = Notification.objects.order_by("key").values_list("key", flat=True).distinct()
        if last_key is not None:
            keys = keys.filter(key__gt=last_key)
        keys = list(keys[:BATCH])
        if not keys:
            return
        last_key = keys[-1]
        rows = Notification.objects.filter(key__in=keys).order_by("key", "pk")
        messages, receipts, merged = {}, [], []
        for row in rows.values("pk", "key", "recipient_id", *RECEIPT_FIELDS):
            message = messages.setdefault(row["key"], {"pk": row["pk"], "recipients": []})
            message["recipients"].append(row["recipient_id"])
            if row["pk"] != message["pk"]:
                merged.append(row["pk"])
            if row["read_at"] is not None or row["email_status"] != "none":
                receipts.append(
                    Receipt(
                        notification_id=message["pk"],
                        recipient_id=row["recipient_id"],
                        **{field: row[field] for field in RECEIPT_FIELDS},
                    )
                )
        Receipt.objects.bulk_create(receipts, ignore_conflicts=True)
        for message in messages.values():
            Notification.objects.filter(pk=message["pk"]).update(
                recipients=sorted(set(message["recipients"])), email_fanout_due=False
            )
        Notification.objects.filter(pk__in=merged).delete()


class Migration(migrations.Migration):
    dependencies = [("obligations", "0003_notification_messages")]

    # Backwards only as far as the schema (the messages are not split again into rows).
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
