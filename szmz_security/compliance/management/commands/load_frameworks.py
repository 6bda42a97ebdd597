from django.core.management.base import BaseCommand, CommandError

from szmz_security.compliance.loader import FrameworkDataError, load_frameworks


class Command(BaseCommand):
    help = "载入合规框架数据文件（szmz_security/compliance/frameworks/*.toml）；重复执行无副作用。"

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="从其他目录载入（默认：随项目发布的数据文件）")
        parser.add_argument("--force", action="store_true", help="即使文件未变化也重新比对")

    def handle(self, *args, directory=None, force=False, **options):
        try:
            results = load_frameworks(directory, force=force)
        except FrameworkDataError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            self.stdout.write(str(result))
