"""PostgreSQL: the throwaway copy of the dataset each run uses, made from the template, and the dataset's sizes."""

from __future__ import annotations

import time
from pathlib import Path

from common import die, say


def _replace_db(url: str, name: str) -> str:
    scheme, rest = url.split("://", 1)
    host, _, tail = rest.partition("/")
    query = tail.partition("?")[2]
    return f"{scheme}://{host}/{name}" + (f"?{query}" if query else "")


def make_copy(args) -> str:
    import psycopg

    if args.copy == args.template:
        die("--copy must differ from --template: the template is never written to.")
    ready = Path(f"/tmp/{args.template}.ready")
    with psycopg.connect(args.db_admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.template]).fetchone():
            die(f"The dataset database {args.template!r} does not exist. Make it first:\n"
                f"  createdb -h 127.0.0.1 -U postgres {args.template}\n"
                f"  DATABASE_URL={_replace_db(args.db_admin_url, args.template)} .venv/bin/python manage.py migrate\n"
                f"  DATABASE_URL=... .venv/bin/python manage.py seed_load --size L && touch {ready}")
        if not ready.exists() and not args.allow_unready:
            die(f"{ready} is missing: the dataset may still be being written. Wait for it, or pass --allow-unready.")
        waited_until = time.monotonic() + args.wait_template
        while True:  # others may be reading the dataset (bench/load_pages.py): wait a little for them
            others = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                   [args.template]).fetchone()[0]
            if not others or time.monotonic() > waited_until:
                break
            time.sleep(2)
        if others:
            die(f"{others} connection(s) are open to {args.template!r}; PostgreSQL copies a template only when "
                "nobody is connected to it. Close them (e.g. a running seed_load or bench script) and run again.")
        admin.execute(f'DROP DATABASE IF EXISTS "{args.copy}" WITH (FORCE)')
        started = time.monotonic()
        admin.execute(f'CREATE DATABASE "{args.copy}" TEMPLATE "{args.template}"')
        say(f"database {args.copy} copied from {args.template} in {time.monotonic() - started:.1f} s")
    return _replace_db(args.db_admin_url, args.copy).replace("postgresql://", "postgres://", 1)


def dataset_sizes(conn) -> dict[str, int]:
    tables = {
        "libraries": "libraries_library", "people": "accounts_user", "courses": "courses_coursepage",
        "lessons": "courses_lessonpage", "quizzes": "courses_quizpage", "enrolments": "courses_enrolment",
        "lesson completions": "courses_lessoncompletion", "quiz attempts": "courses_attempt",
        "internship sessions": "internships_session", "bookings": "internships_booking",
        "certificates": "certificates_certificate", "pages": "wagtailcore_page",
        "SCORM lessons": "courses_scormlessonpage", "SCORM attempts": "courses_scormattempt",
    }
    return {label: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for label, table in tables.items()}
