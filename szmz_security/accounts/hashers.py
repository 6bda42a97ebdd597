"""Password hashing: Argon2id (argon2-cffi), tuned so that one sign-in costs well under 100 ms of
one core here (README "Sign-in and sessions"), where PBKDF2 at Django's default iterations cost
~0.3 s and 200 staff signing in at nine o'clock took the whole machine for half a minute.

Memory is what makes Argon2 expensive to guess on a GPU; time and lanes are kept low so that the
web worker's core is not held. Stored hashes carry their own parameters: a change here re-hashes
each password at its next sign-in (Django's ``must_update``), and PBKDF2 hashes from before keep
working until then.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    @property
    def time_cost(self):
        return settings.PASSWORD_ARGON2["time_cost"]

    @property
    def memory_cost(self):
        return settings.PASSWORD_ARGON2["memory_cost"]

    @property
    def parallelism(self):
        return settings.PASSWORD_ARGON2["parallelism"]
