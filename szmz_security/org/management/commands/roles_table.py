"""Print the least-privilege table (README.md "Separation of duties"), or write it into README.md."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from szmz_security.org.duties import render_table, write_readme


class Command(BaseCommand):
    help = "输出各角色的最小权限表；--write 写入 README.md。"

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="rewrite the table in README.md")

    def handle(self, *args, write=False, **options):
        table = render_table(Group, Permission)
        if write:
            write_readme(table)
            self.stdout.write("README.md 的最小权限表已更新。")
        else:
            self.stdout.write(table)
