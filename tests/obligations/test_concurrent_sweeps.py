"""Two sweeps at once, in two real processes with their own connections, send nothing twice.

Each process is ``manage.py shell -c`` on the test database: it says it is ready, waits for an
advisory lock this test holds, then sweeps and mails. Releasing the lock starts both together.
PostgreSQL only: SQLite serialises its writers, so two processes could not overlap there.
"""

import json
import os
import subprocess  # nosec B404 # runs this project's own manage.py
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from szmz_security.obligations.models import Notification, NotificationReceipt
from tests.obligations.test_sweep import make_obligation

pytestmark = pytest.mark.django_db(transaction=True)  # the processes must see committed rows

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"
START = 4_202_614  # the advisory lock both processes wait on

SCRIPT = f"""
import json
from django.db import connection
from szmz_security.obligations import services
print("ready", flush=True)
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_advisory_lock_shared({START})")
    cursor.execute("SELECT pg_advisory_unlock_shared({START})")
swept = services.sweep()
print(json.dumps({{**swept, **services.deliver_email()}}), flush=True)
"""


def _database_url():
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "localhost"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _start_sweep():
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": "memory://localhost/",
        "REDIS_URL": "",
        "EMAIL_URL": "dummymail://",  # the count of mails sent is what each process reports
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(  # nosec B603 # fixed arguments
        [sys.executable, str(MANAGE), "shell", "--no-imports", "-c", SCRIPT],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_sweeps_in_two_processes_send_each_notification_and_mail_once(department, people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two processes cannot write SQLite at the same time")
    for number in range(30):
        # A third past their deadline (breach and escalation due), the others just filed.
        due_in = -timedelta(hours=3) if number % 3 == 0 else timedelta(hours=24)
        make_obligation(department, due_in=due_in, assignee=people["assignee"] if number % 2 else None)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [START])
        processes = [_start_sweep(), _start_sweep()]
        try:
            for process in processes:  # both started up and are about to wait on the lock
                lines = iter(process.stdout.readline, "")
                assert any(line.strip() == "ready" for line in lines), process.stderr.read()
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [START])
        outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err for _out, err in outputs]
    results = [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]

    notifications = Notification.objects.all()
    stages = list(notifications.values_list("obligation_id", "stage"))
    assert len(stages) == len(set(stages))
    # Every obligation was swept once between them, and told its audience once.
    assert sum(result["obligations"] for result in results) == 30
    assert sum(result["notifications"] for result in results) == len(stages)
    assert notifications.filter(stage="escalation").order_by().values("obligation").distinct().count() == 10
    assert notifications.filter(stage="created").order_by().values("obligation").distinct().count() == 20
    # Every recipient (all have addresses) got one receipt per message, and every mail went out
    # once: the senders' counts add up to the receipts.
    reached = sum(len(recipients) for recipients in notifications.values_list("recipients", flat=True))
    receipts = NotificationReceipt.objects.all()
    assert receipts.count() == reached > 0
    assert sum(result["sent"] for result in results) == receipts.count()
    assert set(receipts.values_list("email_status", flat=True)) == {NotificationReceipt.EmailStatus.SENT}
    assert not notifications.filter(email_fanout_due=True).exists()
