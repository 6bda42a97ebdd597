"""Demo records for ``manage.py seed_demo`` (idempotent)."""


def seed(departments, users):
    seed_register(departments, users)
    seed_network(departments, users)


# --- register and machine room ---
def seed_register(departments, users):
    pass


# --- end register ---


# --- network and reconciliation ---
def seed_network(departments, users):
    pass


# --- end network ---
