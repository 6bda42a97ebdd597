"""Chain the events written before the hash chain existed, then (PostgreSQL only) install the
trigger that refuses UPDATE and DELETE on the audit table except inside the retention purge,
which sets the transaction-local ``szmz.audit_purge`` (retention.py). TRUNCATE is not covered:
it needs the table owner's rights, which the portal's role should not hold in production."""

from django.db import migrations

from szmz_security.auditlog import chain

TRIGGER = """
CREATE OR REPLACE FUNCTION auditlog_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('szmz.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只能追加：拒绝对审计事件 #% 执行 %（仅保存期限清理可删除）', OLD.id, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditlog_auditevent_append_only ON auditlog_auditevent;
CREATE TRIGGER auditlog_auditevent_append_only
    BEFORE UPDATE OR DELETE ON auditlog_auditevent
    FOR EACH ROW EXECUTE FUNCTION auditlog_auditevent_append_only();
"""

UNTRIGGER = """
DROP TRIGGER IF EXISTS auditlog_auditevent_append_only ON auditlog_auditevent;
DROP FUNCTION IF EXISTS auditlog_auditevent_append_only();
"""


def chain_existing_rows(apps, schema_editor):
    AuditEvent = apps.get_model("auditlog", "AuditEvent")
    using = schema_editor.connection.alias
    log_classes = AuditEvent.objects.using(using).values_list("log_class", flat=True).distinct()
    for log_class in sorted(set(log_classes)):
        rows = AuditEvent.objects.using(using).filter(log_class=log_class).order_by("pk")
        prev_hash, last_id = chain.GENESIS, 0
        # Key-set batches: constant memory over millions of rows.
        while batch := list(rows.filter(pk__gt=last_id)[:2000]):
            for event in batch:
                prev_hash = chain.link(event, prev_hash)
            AuditEvent.objects.using(using).bulk_update(batch, ["prev_hash", "hash"])
            last_id = batch[-1].pk


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNTRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0002_chain")]

    operations = [
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
