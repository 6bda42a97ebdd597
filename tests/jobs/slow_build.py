"""Test-only, imported by a worker started with ``--include tests.jobs.slow_build``: an inspection
report build that reports its first step and then hangs, so that a test can kill the worker in the
middle of a real job."""

import time

from szmz_security.compliance import reports

HANG_SECONDS = 300


def hanging_build(report, progress):
    progress(10, "测试：构建中途挂起")
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline:  # until the test kills this worker
        time.sleep(0.2)
    raise RuntimeError("the test did not kill the worker")


reports.build = hanging_build
