#!/usr/bin/env python
"""The load test (issue #14 "A load test"): 200 simulated staff against the portal as it runs in
production, and the same load on a minimal signed-in page beside it.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/szmz_load_bench \\
        .venv/bin/python -m bench.load.run [--scale 1] [--users 200] [--duration 60] [--fresh]

(``make bench-load``, with ``LOAD_ARGS``.)

1. The PostgreSQL database of ``BENCH_DATABASE_URL`` (its name must contain "bench") is dropped and
   created anew, then gets ``generate_data --scale``, ``100,000 × scale`` assets and ``--users``
   工作人员 ``load.staff001…`` with a known password, spread over the departments that have
   incidents. A later run with the same data reuses it (migrating and generating take minutes;
   the incidents filed by earlier runs stay), unless ``--fresh``.
2. ``collectstatic`` and gunicorn with the web line of the Procfile (2 workers, ``WEB_CONCURRENCY``),
   on a free loopback port, ``DEBUG=False``: the production settings, unchanged. The load generator
   stands in for the TLS proxy (``X-Forwarded-Proto: https``), so the HTTPS redirect and the Secure
   cookies stay as they are in production.
3. locust, headless (``bench/load/locustfile.py``): every user signs in, then ``--duration`` seconds
   of the portal's round, then ``--duration`` seconds of the baseline page (``/password/done/``: the
   middleware, the base template and one line of text), then it stops by itself.
4. Requests/s, p50/p95/p99 and errors for each phase, per page; gunicorn is stopped in any case.

Figures only: nothing here passes or fails on them. Logs go to ``var/bench-load/``.
"""

import argparse
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

import django
import environ
import psycopg2

from bench.common import Row, percentile
from bench.run import prepare_database, print_table

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"
VAR_DIR = BASE_DIR / "var" / "bench-load"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
USERNAME_PREFIX = "load.staff"
PASSWORD = "Load-Bench-2026!"  # the benchmark database's own accounts, nowhere else
BASELINE_PAGE = "/password/done/"
WORKERS = 2  # this 2-core machine (issue #14)
SIGN_IN_BUDGET = 150  # seconds for every user to sign in before the round starts regardless
ASSETS_PER_SCALE = 100_000


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="generate_data scale (default 1)")
    parser.add_argument("--assets", type=int, help="assets to generate (default 100,000 × scale)")
    parser.add_argument("--users", type=int, default=200, help="simulated staff (default 200)")
    parser.add_argument("--duration", type=int, default=60, help="seconds per phase (default 60)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--wait", type=float, nargs=2, default=(1, 5), metavar=("MIN", "MAX"))
    parser.add_argument("--file-every", type=int, default=10, help="file an incident every N rounds")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="prepare the database anew even if a previous run prepared it for the same data",
    )
    args = parser.parse_args(argv)
    if args.assets is None:
        args.assets = max(1000, round(ASSETS_PER_SCALE * args.scale))
    return args


# --- the data ------------------------------------------------------------------------------------


def database_ready(url, marker):
    """Whether the benchmark database exists and was prepared for this run's data (its comment)."""
    config = environ.Env.db_url_config(url)
    try:
        connection = psycopg2.connect(
            dbname=config["NAME"],
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
        )
    except psycopg2.OperationalError:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
            )
            return cursor.fetchone()[0] == marker
    except psycopg2.Error:
        return False
    finally:
        connection.close()


# --- the server ------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url, port):
    """Production settings as the Procfile documents them, on loopback and in var/bench-load/."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    env.update(
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        VAR_DIR=str(VAR_DIR),
        # No worker runs: whatever filing enqueues stays in the web process's memory.
        CELERY_BROKER_URL="memory://localhost/",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", ""),
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        PATH=f"{VENV_BIN}:{os.environ.get('PATH', '')}",
        DJANGO_SETTINGS_MODULE="szmz_security.settings",
    )
    return env


def procfile_web_command(env):
    """The Procfile's web line with its ${VAR:-default}s filled in, bound to loopback only."""
    for line in (BASE_DIR / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("web:"):
            command = re.sub(
                r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1), m.group(2)), line[len("web:") :]
            )
            return [part.replace("0.0.0.0:", "127.0.0.1:") for part in shlex.split(command)]
    raise SystemExit("Procfile has no web: line")


def static_outdated():
    """collectstatic takes minutes on a busy machine: run it only when a static file of the project
    (or its dependencies, by pyproject.toml) is newer than the manifest of the last run."""
    manifest = VAR_DIR / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [BASE_DIR / "pyproject.toml", *BASE_DIR.glob("*/static/**/*")]
    return max(path.stat().st_mtime for path in sources) > manifest.stat().st_mtime


def wait_until_up(url, server, timeout=90):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}); see {VAR_DIR / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # nosec B310 # loopback
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout} s")


def stop(process, timeout=30):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the figures -------------------------------------------------------------------------------------


def summarise(result, duration):
    by_phase = defaultdict(list)
    for phase, page, ms, error, _started in result["records"]:
        by_phase[phase].append((page, ms, error))

    def figures(label, records, seconds):
        times = [ms for _page, ms, _error in records]
        errors = sum(1 for _page, _ms, error in records if error)
        return {
            "label": label,
            "requests": len(records),
            "rps": len(records) / seconds if seconds else 0,
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "errors": errors,
        }

    marks = result["marks"]
    sign_in = [record for record in by_phase["sign-in"] if record[0] == "sign-in: post"]
    sign_in_seconds = marks.get("signed_in", 0)
    mix = figures("portal round", by_phase["mix"], duration)
    base = figures("baseline page", by_phase["baseline"], duration)
    rows = [
        ("sign-in", Row("users signed in", result["signed_in"], "users")),
        ("sign-in", Row("time until every user signed in", sign_in_seconds, "s")),
        ("sign-in", Row("sign-in post p50", percentile([ms for _p, ms, _e in sign_in], 0.5), "ms")),
        ("sign-in", Row("sign-in post p95", percentile([ms for _p, ms, _e in sign_in], 0.95), "ms")),
        ("sign-in", Row("errors", sum(1 for *_r, error in by_phase["sign-in"] if error), "requests")),
    ]
    for phase in (mix, base):
        other = base if phase is mix else None
        for key, unit in (("rps", "req/s"), ("p50", "ms"), ("p95", "ms"), ("p99", "ms")):
            ratio = phase[key] / other[key] if other and other[key] else None
            rows.append((phase["label"], Row(key, phase[key], unit, ratio, "baseline" if ratio else "")))
        rows.append((phase["label"], Row("requests", phase["requests"], "requests")))
        rows.append((phase["label"], Row("errors", phase["errors"], "requests")))
    per_page = defaultdict(list)
    for page, ms, _error in by_phase["mix"]:
        per_page[page].append(ms)
    for page, times in sorted(per_page.items()):
        rows.append(("portal round", Row(f"{page}: requests", len(times), "requests")))
        rows.append(("portal round", Row(f"{page}: p50", percentile(times, 0.5), "ms")))
        rows.append(("portal round", Row(f"{page}: p95", percentile(times, 0.95), "ms")))
    errors = defaultdict(int)
    for phase, page, _ms, error, _started in result["records"]:
        if error:
            errors[f"{phase} / {page}: {error[:120]}"] += 1
    return rows, errors


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "The load test needs PostgreSQL: set BENCH_DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/szmz_load_bench (its name must contain 'bench').  "
            "负载测试需要 PostgreSQL：请设置 BENCH_DATABASE_URL。"
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The data is prepared by this process with development settings (no static manifest needed
    # yet), on the benchmark's own files, queue and cache.
    os.environ.update(
        VAR_DIR=str(VAR_DIR),
        CELERY_BROKER_URL="memory://localhost/",
        REDIS_URL="",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        DEBUG="True",
        DJANGO_SETTINGS_MODULE="szmz_security.settings",
    )
    print(
        f"szmz-security load test — {args.users} staff, {args.duration} s per phase, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    marker = f"szmz load test: scale {args.scale:g}, {args.assets} assets, {args.users} users"
    if not args.fresh and database_ready(url, marker):
        os.environ["DATABASE_URL"] = url
        print(f"  reusing the database prepared by an earlier run ({marker})", flush=True)
    else:
        print(f"  database: {prepare_database()}, scale {args.scale:g}", flush=True)
        django.setup()
        from bench.load import data  # its models need Django set up

        data.prepare(args.scale, args.assets, args.users, USERNAME_PREFIX, PASSWORD, marker)

    port = free_port()
    env = server_environment(url, port)
    if static_outdated():
        print("  collectstatic …", flush=True)
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
    command = procfile_web_command(env)
    print(f"  server: {shlex.join(command)}", flush=True)
    log = open(VAR_DIR / "gunicorn.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    access = open(VAR_DIR / "access.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=access, stderr=log)
    host = f"http://127.0.0.1:{port}"
    results = VAR_DIR / "results.json"
    results.unlink(missing_ok=True)
    try:
        wait_until_up(f"{host}/login/", server)
        config = {
            "accounts": [f"{USERNAME_PREFIX}{n:03d}" for n in range(1, args.users + 1)],
            "password": PASSWORD,
            "users": args.users,
            "duration": args.duration,
            "wait": list(args.wait),
            "file_every": args.file_every,
            "baseline": BASELINE_PAGE,
            "forwarded_proto": "https",
            "sign_in_budget": SIGN_IN_BUDGET,
            "results": str(results),
        }
        (VAR_DIR / "locust.json").write_text(json.dumps(config), encoding="utf-8")
        bound = SIGN_IN_BUDGET + 2 * args.duration + 120  # the locustfile stops itself well before
        locust = [str(VENV_BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", host]
        locust += ["--users", str(args.users), "--spawn-rate", str(args.spawn_rate)]
        locust += ["--run-time", f"{bound}s", "--only-summary", "--loglevel", "WARNING"]
        print(f"  locust: {args.users} users, up to {bound} s …", flush=True)
        with open(VAR_DIR / "locust.log", "w", encoding="utf-8") as locust_log:
            subprocess.run(
                locust,
                cwd=BASE_DIR,
                env={**env, "LOAD_CONFIG": str(VAR_DIR / "locust.json")},
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                timeout=bound + 60,
                check=False,  # locust exits 1 when a request failed: the figures say so
            )
    finally:
        stop(server)
        log.close()
        access.close()
    if not results.exists():
        raise SystemExit(f"locust wrote no results; see {VAR_DIR / 'locust.log'}")
    rows, errors = summarise(json.loads(results.read_text(encoding="utf-8")), args.duration)
    rows.append(("run", Row("load average at the end (1 min)", os.getloadavg()[0], "")))
    rows.append(("run", Row("wall time", time.perf_counter() - started, "s")))
    print_table(rows)
    tracebacks = (VAR_DIR / "gunicorn.log").read_text(encoding="utf-8").count("Traceback")
    if errors or tracebacks:
        print(f"errors ({tracebacks} tracebacks in {VAR_DIR / 'gunicorn.log'}):")
        for line, count in sorted(errors.items(), key=lambda item: -item[1])[:15]:
            print(f"  {count:5d}  {line}")


if __name__ == "__main__":
    main()
