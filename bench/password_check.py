"""Benchmark: one log-in's password check with our Argon2id parameters (19 MiB, 2 passes, 1 lane), argon2-cffi
against libsodium (PyNaCl) on the same stored hash: CPU time per check, median of several rounds in one process.

    .venv/bin/python bench/password_check.py [--checks 40] [--rounds 5]

Both compute the same function (the tests check that each accepts the other's hashes); the difference is how:
libsodium picks an implementation using the CPU's vector instructions (AVX2, AVX-512) at run time.
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
    stored = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(password)
    checks = {
        "argon2-cffi": lambda: argon2.PasswordHasher().verify(stored, password),
        "libsodium (PyNaCl)": lambda: sodium.verify(stored.encode(), password.encode()),
    }
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
        print(f"{name:20s} {value:6.1f} ms CPU per check (median of {args.rounds} rounds of {args.checks})")
    print(f"libsodium / argon2-cffi: {medians['libsodium (PyNaCl)'] / medians['argon2-cffi']:.2f}")


if __name__ == "__main__":
    main()
