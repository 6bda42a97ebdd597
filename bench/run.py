#!/usr/bin/env python
"""Run every benchmark (``bench/bench_*.py``) and print one table.

    .venv/bin/python bench/run.py [--scale N | --quick]

The benchmarks never touch the development database: by default they run on a fresh SQLite file
``var/bench.sqlite3`` (deleted and migrated on every run); with ``BENCH_DATABASE_URL`` set (e.g.
``postgres://postgres@127.0.0.1:5432/szmz_bench``) on that PostgreSQL database, which is dropped
and created anew — so its name must contain "bench". The data is written by
``szmz_security/core/generate.py`` at ``--scale`` (1.0 = 40 departments, 1,000 staff, 50,000 open
obligations; ``--quick`` = 0.05).

Figures only: nothing here passes or fails on timing.
"""

import argparse
import importlib
import inspect
import os
import sys
import time
import traceback
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
QUICK_SCALE = 0.05


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=1.0, help="data scale (default 1.0)")
    size.add_argument("--quick", action="store_true", help=f"a quick run at scale {QUICK_SCALE}")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only bench_NAME (repeatable), e.g. --only sweep",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.scale = QUICK_SCALE
    if args.scale <= 0:
        parser.error("--scale must be greater than 0")
    return args


def prepare_database():
    """Point DATABASE_URL at a fresh benchmark database; returns a description for the header."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        path = BASE_DIR / "var" / "bench.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {path.relative_to(BASE_DIR)}"

    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"BENCH_DATABASE_URL must be a postgres:// URL, not {url!r}")
    name = config["NAME"]
    if "bench" not in name:
        raise SystemExit(
            f"BENCH_DATABASE_URL names the database {name!r}: the benchmark drops and recreates it, "
            "so its name must contain 'bench'.  基准测试会删除并重建该数据库，库名必须包含 bench。"
        )
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    os.environ["DATABASE_URL"] = url
    return f"PostgreSQL {config.get('HOST') or 'local'}:{config.get('PORT') or 5432}/{name}"


def isolate_environment():
    """Nothing the benchmark does may reach the development portal's files, queue or cache."""
    os.environ["VAR_DIR"] = str(BASE_DIR / "var" / "bench")
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["LOG_LEVEL"] = "WARNING"  # no per-request log-in chatter between the figures
    os.environ["REDIS_URL"] = ""
    os.environ["EMAIL_URL"] = "dummymail://"
    # Development settings (plain static storage, no HTTPS redirect); query logging is switched
    # off below, as in production.
    os.environ["DEBUG"] = "True"
    os.environ["DJANGO_SETTINGS_MODULE"] = "szmz_security.settings"


def discover(only):
    modules = []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        if not callable(getattr(module, "run", None)):
            raise SystemExit(f"{path.name} has no run(ctx)")
        modules.append((getattr(module, "ORDER", 50), name, module))
    unknown = set(only) - {name for _order, name, _module in modules}
    if unknown:
        raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))}")
    return [(name, module) for _order, name, module in sorted(modules, key=lambda item: item[:2])]


def format_value(value):
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


def format_ratio(row):
    if row.ratio is None:
        return ""
    ratio = f"{row.ratio:.2f}" if row.ratio >= 0.01 else f"{row.ratio:.2e}"
    return f"{ratio} × {row.versus}" if row.versus else ratio


def width(text):
    # CJK characters take two columns in a terminal.
    return sum(2 if "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" else 1 for char in text)


def pad(text, size, right=False):
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def print_table(rows):
    header = ("benchmark", "figure", "value", "unit", "ratio")
    cells = [(bench, row.figure, format_value(row.value), row.unit, format_ratio(row)) for bench, row in rows]
    sizes = [max(width(line[i]) for line in [header, *cells]) for i in range(len(header))]
    rule = "  ".join("-" * size for size in sizes)
    print(rule)
    print("  ".join(pad(text, sizes[i], right=i == 2) for i, text in enumerate(header)))
    print(rule)
    for line in cells:
        print("  ".join(pad(text, sizes[i], right=i == 2) for i, text in enumerate(line)))
    print(rule)


def main(argv=None):
    args = parse_args(argv)
    isolate_environment()
    database = prepare_database()
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from bench.common import Context, Row
    from szmz_security.core.generate import generate

    modules = discover(args.only)
    # DEBUG=True logs every statement (on SQLite re-quoting each parameter): not what production pays.
    override_settings(DEBUG=False).enable()

    print(f"szmz-security benchmarks — {database}, scale {args.scale:g}", flush=True)
    rows = []
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rows.append(("setup", Row("migrate", time.perf_counter() - started, "s")))

    started = time.perf_counter()
    summary = generate(
        args.scale, reminders="pending", log=lambda line: print(f"  generate {line}", flush=True)
    )
    generation = time.perf_counter() - started
    rows += [
        ("setup", Row("generate: departments", summary.departments, "rows")),
        ("setup", Row("generate: users", summary.users, "rows")),
        ("setup", Row("generate: obligations", summary.obligations, "rows")),
        ("setup", Row("generate: history rows", summary.history_rows, "rows")),
        ("setup", Row("generate: time", generation, "s")),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The steady state after a bulk load: autovacuum (insert threshold, PostgreSQL 13+)
            # sets the visibility map soon after, and counts become index-only scans.
            cursor.execute("VACUUM ANALYZE")

    ctx = Context(scale=args.scale, database=connection.vendor, summary=summary)
    failed = []
    for name, module in modules:
        print(f"  running bench_{name} …", flush=True)
        started = time.perf_counter()
        try:
            result = module.run(ctx) if inspect.signature(module.run).parameters else module.run()
        except Exception:  # noqa: BLE001 - one broken benchmark must not lose the others' figures
            traceback.print_exc()
            failed.append(name)
            continue
        rows += [(name, row) for row in result]
        rows.append((name, Row("(benchmark wall time)", time.perf_counter() - started, "s")))
    print_table(rows)
    if failed:
        raise SystemExit(f"failed: {', '.join(f'bench_{name}' for name in failed)}")


if __name__ == "__main__":
    main()
