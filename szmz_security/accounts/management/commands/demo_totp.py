from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from szmz_security.accounts.services import confirmed_totp, current_code


class Command(BaseCommand):
    help = "打印演示账号当前的动态口令（仅开发环境）。Print a demo user's current TOTP code (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("生产环境（DEBUG=False）不提供动态口令。Refused when DEBUG=False.")
        user = get_user_model().objects.filter(username=username).first()
        device = confirmed_totp(user) if user is not None else None
        if device is None:
            raise CommandError(
                f"用户 {username} 没有已绑定的身份验证器。No confirmed TOTP device for {username}."
            )
        self.stdout.write(current_code(device))
