"""Issue #14's leaner design, step 3 of 3: the per-recipient columns go (their state is in the
receipts now), the key is unique per message (a constraint: no pattern-ops index beside it), and
on PostgreSQL the recipients get a GIN index (``jsonb_path_ops``) for "messages sent to me"
(``recipients @> '[<id>]'``). SQLite scans the JSON array instead (models.RecipientIncludes)."""

from django.db import migrations, models

GIN_INDEX = "notification_recipients_gin"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON obligations_notification USING gin (recipients jsonb_path_ops)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("obligations", "0004_notification_rows_to_messages")]

    operations = [
        migrations.RemoveConstraint(model_name="notification", name="notification_once_per_key"),
        migrations.RemoveIndex(model_name="notification", name="notification_unread"),
        migrations.RemoveIndex(model_name="notification", name="notification_email_due"),
        migrations.RemoveField(model_name="notification", name="recipient"),
        migrations.RemoveField(model_name="notification", name="read_at"),
        migrations.RemoveField(model_name="notification", name="email_status"),
        migrations.RemoveField(model_name="notification", name="emailed_at"),
        migrations.RemoveField(model_name="notification", name="email_error"),
        migrations.RemoveField(model_name="notification", name="email_attempts"),
        migrations.RemoveField(model_name="notification", name="email_next_attempt_at"),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(fields=("key",), name="notification_once_per_key"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(email_fanout_due=True), fields=["id"], name="notification_fanout_due"
            ),
        ),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
