"""Benchmarks (not part of the test run): ``make bench`` or ``.venv/bin/python bench/run.py``."""
