"""Benchmark: one log-in's password check, argon2-cffi against libsodium (PyNaCl) on the same stored hash, for the
Argon2id configurations OWASP lists as equivalent (one lane): CPU time per check, median of several rounds in one
process. Ours is 12 MiB × 3 passes (lms/accounts/hashers.py).

    .venv/bin/python bench/password_check.py [--checks 40] [--rounds 5]

Both libraries compute the same function (the tests check that each accepts the other's hashes); libsodium picks
an implementation using the CPU's vector instructions (AVX2, AVX-512) at run time. Between configurations, the
smaller memory blocks stay in the CPU's cache, so fewer MiB with more passes cost less time here.
"""

import argparse
import statistics
import time

import argon2
from nacl.pwhash import argon2id as sodium


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    password = "Пароль-для-замера-2026"
    checks = {}
    for mib, passes in ((19, 2), (12, 3), (9, 4), (7, 5)):
        stored = argon2.PasswordHasher(time_cost=passes, memory_cost=mib * 1024, parallelism=1).hash(password)
        checks[f"{mib} MiB × {passes}, argon2-cffi"] = (
            lambda stored=stored: argon2.PasswordHasher().verify(stored, password))
        checks[f"{mib} MiB × {passes}, libsodium"] = (
            lambda stored=stored: sodium.verify(stored.encode(), password.encode()))
    results = {name: [] for name in checks}
    for check in checks.values():
        check()
    for _ in range(args.rounds):  # alternate, so that both meet the same moments of a noisy machine
        for name, check in checks.items():
            started = time.process_time()
            for _ in range(args.checks):
                check()
            results[name].append((time.process_time() - started) / args.checks * 1000)
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, value in medians.items():
        print(f"{name:28s} {value:6.1f} ms CPU per check (median of {args.rounds} rounds of {args.checks})")
    print(f"ours (12 MiB × 3, libsodium) / before (19 MiB × 2, argon2-cffi): "
          f"{medians['12 MiB × 3, libsodium'] / medians['19 MiB × 2, argon2-cffi']:.2f}")


if __name__ == "__main__":
    main()
