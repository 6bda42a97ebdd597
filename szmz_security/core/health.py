"""/healthz/: is the whole portal working? (issue #13, "Faults")

Checks the database, the Celery broker, the cache and Celery beat (the minute sweep's last run as
django-celery-beat records it). 200 with every check named when all pass; 503 naming each one that
failed, so that a load balancer or an operator sees *what* is down rather than a 500.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_celery_beat.models import PeriodicTask
from kombu import Connection

logger = logging.getLogger(__name__)

# The beat entry that runs every minute (settings.CELERY_BEAT_SCHEDULE).
BEAT_ENTRY = "obligations-sweep"
TIMEOUT_SECONDS = 2


class CheckFailed(Exception):
    """A check's own finding, safe to show (other errors are shown by class name only: the page
    is public, and a driver's message can name hosts)."""


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_broker():
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    with Connection(
        settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=TIMEOUT_SECONDS
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT_SECONDS)
    return "ok"


def check_cache():
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise CheckFailed("缓存写入后读不回")
    cache.delete(key)
    return "ok"


def check_beat():

    last_run = PeriodicTask.objects.filter(name=BEAT_ENTRY).values_list("last_run_at", flat=True).first()
    if last_run is None:
        raise CheckFailed(f"定时任务 {BEAT_ENTRY} 从未运行（celery beat 未启动？）")
    age = timezone.now() - last_run
    if age > timedelta(seconds=settings.HEALTHZ_BEAT_MAX_AGE):
        raise CheckFailed(
            f"定时任务 {BEAT_ENTRY} 已 {int(age.total_seconds())} 秒未运行（celery beat 停止？）"
        )
    return "ok"


CHECKS = {"database": check_database, "broker": check_broker, "cache": check_cache, "beat": check_beat}


def run_checks():
    results = {}
    for name, check in CHECKS.items():
        if name == "beat" and results.get("database") != "ok":
            results[name] = "未检查：数据库不可用"
            continue
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure of a dependency is "down", reported by name
            logger.warning("healthz: %s failed: %s", name, error)
            results[name] = f"失败：{error if isinstance(error, CheckFailed) else type(error).__name__}"
    return results


@never_cache
def healthz(request):
    checks = run_checks()
    healthy = all(result == "ok" for result in checks.values())
    failing = [name for name, result in checks.items() if result.startswith("失败")]
    body = {"status": "ok" if healthy else "unavailable", "checks": checks, "failing": failing}
    return JsonResponse(body, status=200 if healthy else 503)
