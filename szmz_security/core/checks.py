"""Start-up checks (issue #13, "Faults"): a production portal without its collected static files
would answer 500 on every page that links a stylesheet; it refuses to start instead.

Run by ``manage.py check``, ``migrate`` (so compose's migrate step fails first) and ``runserver``,
and by wsgi.py when gunicorn loads the portal. ``collectstatic`` itself does not run it.
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@register()
def static_manifest_check(app_configs=None, **kwargs):
    backend = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    manifest_name = getattr(backend, "manifest_name", None)
    if settings.DEBUG or manifest_name is None:
        return []
    manifest = Path(settings.STATIC_ROOT) / manifest_name
    if manifest.is_file():
        return []
    return [
        Error(
            f"静态文件清单 {manifest} 不存在：生产环境（DEBUG=False）未收集静态文件，页面将无法显示。"
            f" The staticfiles manifest {manifest} is missing: with DEBUG=False every page would answer 500.",
            hint="先运行 python manage.py collectstatic --noinput（Docker 镜像构建时已执行）。"
            " Run `python manage.py collectstatic --noinput` before starting the portal.",
            id="szmz.E001",
        )
    ]


def refuse_to_start_without_static_files():
    errors = static_manifest_check()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
