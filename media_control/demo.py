"""Demo records for ``manage.py seed_demo`` (idempotent)."""


def seed(departments, users):
    pass
