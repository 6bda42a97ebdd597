"""PostgreSQL: convert the audit table into daily partitions per log class (partitions.py), keeping
every row, id and hash, so the chain verifies after. SQLite keeps its plain table. The model's
state does not change: Django still sees ``id`` as the key."""

from django.db import migrations

from szmz_security.auditlog import partitions

# The function is migration 0003's; a trigger on the partitioned table reaches every partition.
TRIGGER = """
CREATE TRIGGER auditlog_auditevent_append_only
    BEFORE UPDATE OR DELETE ON auditlog_auditevent
    FOR EACH ROW EXECUTE FUNCTION auditlog_auditevent_append_only()
"""


def forward(apps, schema_editor):
    partitions.partition_table(schema_editor, TRIGGER)


def backward(apps, schema_editor):
    partitions.unpartition_table(schema_editor, TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0004_event_kinds_signin_checkpoint_permission")]

    operations = [migrations.RunPython(forward, backward)]
