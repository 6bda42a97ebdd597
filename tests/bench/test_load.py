"""The load test's locustfile (bench/load/locustfile.py) against a live portal, for a few seconds with
two users: they sign in, click through the whole round and the baseline page without one error, and
file incidents that land in the register. The figures come from ``make bench-load``, not from here."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.models import Incident
from tests.factories import PASSWORD, DepartmentFactory, IncidentFactory, UserFactory

LOCUSTFILE = Path(__file__).resolve().parents[2] / "bench" / "load" / "locustfile.py"
ROUND = {"dashboard", "incident list", "incident detail", "asset list", "filing form", "file an incident"}

pytestmark = pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust not installed")


@pytest.mark.django_db(transaction=True)
def test_simulated_staff_sign_in_click_the_round_and_file_incidents(live_server, settings, tmp_path):
    # As in production behind the TLS proxy: HTTPS known from X-Forwarded-Proto, Secure cookies.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    department = DepartmentFactory()
    staff = [UserFactory(username=f"load{n}", roles=["staff"], departments=[department]) for n in (1, 2)]
    IncidentFactory(department=department, reported_by=staff[0])
    config = tmp_path / "locust.json"
    results = tmp_path / "results.json"
    config.write_text(
        json.dumps(
            {
                "accounts": [user.username for user in staff],
                "password": PASSWORD,
                "users": 2,
                "duration": 2,
                "wait": [0.05, 0.1],
                "file_every": 1,
                "baseline": "/password/done/",
                "forwarded_proto": "https",
                "sign_in_budget": 30,
                "results": str(results),
            }
        )
    )
    # locust patches the process with gevent: it runs apart, never imported here.
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", live_server.url]
    command += ["--users", "2", "--spawn-rate", "2", "--run-time", "60s", "--only-summary"]
    finished = subprocess.run(
        command,
        env={**os.environ, "LOAD_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(results.read_text())

    assert result["signed_in"] == 2, finished.stdout + finished.stderr
    errors = [record for record in result["records"] if record[3]]
    assert errors == []
    assert finished.returncode == 0  # locust's own count of failures agrees
    pages = {page for phase, page, *_rest in result["records"] if phase == "mix"}
    assert pages == ROUND
    assert {page for phase, page, *_rest in result["records"] if phase == "baseline"} == {"baseline page"}
    filed = Incident.objects.filter(title__startswith="压测上报")
    assert filed.exists()
    assert {incident.department for incident in filed} == {department}
    assert {incident.reported_by.username for incident in filed} <= {"load1", "load2"}


def test_the_runner_starts_before_django_is_set_up():
    """``make bench-load`` imports its runner with no settings configured: a module of bench/ that
    imports a model at the top (bench.common once did) stops it before it starts."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # nosec B603 # this interpreter, a fixed statement
        [sys.executable, "-c", "import bench.load.run"],
        cwd=LOCUSTFILE.parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
