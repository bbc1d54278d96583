"""The password hasher: Argon2id with a memory and time cost sized for a small shared server."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at 19 MiB, 2 passes, 1 lane: the first of the configurations OWASP's password storage guidance
    lists as equivalent.

    Django's own defaults (100 MiB, 8 lanes) cost about 180 ms of a 2-core server's CPU per log-in, and PBKDF2's
    default about 300 ms; a morning when a region's libraries log in at once would queue behind the hashing.
    This costs about 20 ms and still makes guessing offline expensive through memory. Hashes keep their own
    parameters, so older ones (PBKDF2 or other Argon2 costs) still verify and are rehashed at the next log-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
