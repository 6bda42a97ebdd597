"""manage.py verify_audit_chain: walk the audit log's hash chains; exit 1 naming the first broken
event. The result is recorded (shown on the audit-log page) like the daily beat task's."""

from django.core.management.base import BaseCommand, CommandError

from ...services import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链；链断裂时以非零状态退出并指出首个断裂事件。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-notify", action="store_true", help="链断裂时不通知安全员 / do not notify the officers"
        )

    def handle(self, *args, no_notify=False, **options):
        verification = verify_chain(notify_officers=not no_notify)
        if not verification.ok:
            raise CommandError(verification.message)
        self.stdout.write(self.style.SUCCESS(verification.message))
