"""Demo records of the secrecy app (``manage.py seed_demo``; idempotent)."""


def seed(departments, users):
    """Each sub-package adds its few illustrative records here."""
