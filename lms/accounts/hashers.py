"""The password hasher: Argon2id with a memory and time cost sized for a small shared server."""

from django.contrib.auth.hashers import Argon2PasswordHasher

try:  # libsodium, through PyNaCl (a dependency; the hasher still works without it, only slower)
    from nacl import exceptions as _nacl_exceptions
    from nacl.pwhash import argon2id as _sodium_argon2id
except ImportError:  # pragma: no cover
    _sodium_argon2id = None


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at 12 MiB, 3 passes, 1 lane: one of the configurations OWASP's password storage guidance lists as
    giving the same defence (19 MiB × 2, 12 MiB × 3, 9 MiB × 4, 7 MiB × 5 passes: memory traded for passes).

    Django's own defaults (100 MiB, 8 lanes) cost about 180 ms of a 2-core server's CPU per log-in, and PBKDF2's
    default about 300 ms; a morning when a region's libraries log in at once would queue behind the hashing.
    Of the equivalent configurations, 12 MiB × 3 checks in about 2/3 of the time of 19 MiB × 2 here (the smaller
    block stays in the CPU's cache; bench/password_check.py), and still makes guessing offline expensive through
    memory. Hashes keep their own parameters, so older ones (19 MiB × 2, PBKDF2 or other costs) still verify and
    are rehashed at the person's next log-in.

    A log-in's check runs in libsodium when the hash is one it implements (Argon2id, one lane): the same
    algorithm and the same stored text (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`), computed with the CPU's
    vector instructions, about 3/4 of argon2-cffi's time here (tests/accounts/test_hashers.py checks they agree).
    Making a hash stays with argon2-cffi, which takes Django's salt.
    """

    time_cost = 3
    memory_cost = 12 * 1024  # KiB
    parallelism = 1

    def verify(self, password, encoded):
        algorithm, rest = encoded.split("$", 1)  # "argon2", "argon2id$v=19$m=…"
        if _sodium_argon2id is None or not rest.startswith("argon2id$") or ",p=1$" not in rest:
            return super().verify(password, encoded)
        assert algorithm == self.algorithm
        try:
            return _sodium_argon2id.verify(("$" + rest).encode("ascii"), password.encode("utf-8"))
        except _nacl_exceptions.InvalidkeyError:  # the password does not match
            return False
        except (_nacl_exceptions.CryptoError, UnicodeError, ValueError):  # a hash libsodium does not take
            return super().verify(password, encoded)
