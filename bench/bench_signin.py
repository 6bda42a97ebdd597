"""What one sign-in costs in password hashing (issue #20: ≤ 100 ms here): the configured hasher
(Argon2id, ``PASSWORD_ARGON2``) against PBKDF2 at Django's default iterations, which it replaced.
Each figure is the median of verifying one password, in this process, on one core.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher

from bench.common import Row, median, stopwatch

ORDER = 10  # needs no data
ROUNDS = 15
PASSWORD = "Bench-Sign-In-2026"  # nosec B105 # hashed here only


def _verify_ms(hasher):
    encoded = hasher.encode(PASSWORD, hasher.salt())
    timings = []
    for _ in range(ROUNDS):
        with stopwatch() as time:
            assert hasher.verify(PASSWORD, encoded)  # nosec B101 # a wrong hash would time nothing
        timings.append(1000 * time["seconds"])
    return median(timings)


def run():
    configured = get_hasher("default")
    argon = _verify_ms(configured)
    pbkdf2 = _verify_ms(PBKDF2PasswordHasher())
    return [
        Row(
            f"sign-in hash: {configured.algorithm} (configured) verify", argon, "ms", argon / pbkdf2, "PBKDF2"
        ),
        Row("sign-in hash: PBKDF2 (Django's default iterations) verify", pbkdf2, "ms"),
    ]
