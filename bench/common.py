"""What the benchmark modules share: the result row, the run's context and small measuring tools.

A benchmark is a module ``bench/bench_<name>.py`` with ``run(ctx)`` returning a list of ``Row``;
``bench/run.py`` finds it, runs it against the benchmark database (never the development one)
and prints every row in one table. Modules run in order of their ``ORDER`` (default 50), then
name; one that changes the generated data (the sweep sends every due reminder) runs late.
Figures only: nothing here asserts on timing.
"""

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    ratio: float | None = None  # value / the named comparison's value
    versus: str = ""  # what the ratio compares against


@dataclass
class Context:
    scale: float
    database: str  # "sqlite" or "postgresql"
    summary: object  # szmz_security.core.generate.Summary of the generated data


class QueryCounter:
    """Counts SQL statements cheaply (an execute wrapper). CaptureQueriesContext also records
    each statement's text, which on SQLite re-quotes every parameter with extra queries: fine for a
    page, but it would dominate a sweep that inserts hundreds of thousands of rows."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def count_queries():
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


@contextmanager
def stopwatch():
    result = {}
    started = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - started


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values):
    return statistics.median(values)


def explain(queryset):
    """``EXPLAIN ANALYZE`` of a queryset on PostgreSQL: (execution ms, the plan's scan nodes).
    None elsewhere (SQLite's plan has no timings worth printing)."""
    if connection.vendor != "postgresql":
        return None
    return explain_sql(*queryset.query.sql_with_params())


def explain_count(queryset):
    """The plan of the paginator's ``COUNT(*)`` of a queryset."""
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return explain_sql(f"SELECT COUNT(*) FROM ({sql}) counted", params)  # nosec B608 # the SQL is Django's own compiled query; its values stay parameters


def explain_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    executed = next(float(line.split()[-2]) for line in lines if line.startswith("Execution Time"))
    nodes = [line.strip().removeprefix("->  ") for line in lines if " Scan " in line]
    return executed, nodes


def print_plan(title, plan):
    """The scan nodes of a plan, under the table (which index each branch reads)."""
    if plan is not None:
        print(f"  plan of {title} ({plan[0]:.1f} ms):", *(f"    {node}" for node in plan[1]), sep="\n")


def seq_scans(nodes, table):
    """How many sequential scans of ``table`` a plan makes (the access rule must make none)."""
    return sum(1 for node in nodes if node.startswith(f"Seq Scan on {table} "))
