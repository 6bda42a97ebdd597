"""Demo records of the secrecy app (``manage.py seed_demo``; idempotent)."""

from .documents import demo as documents_demo


def seed(departments, users):
    """Each sub-package adds its few illustrative records here."""
    documents_demo.seed(departments, users)
