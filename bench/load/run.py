"""Load test of the platform on this machine: nginx -> gunicorn -> PostgreSQL + Redis + Celery, driven by locust.

    .venv/bin/python bench/load/run.py --scenario journey   --users 1000 --spawn-rate 10 --duration 5m
    .venv/bin/python bench/load/run.py --scenario quiz-rush --users 300
    .venv/bin/python bench/load/run.py --scenario journey   --users 1000 --instances 2 --celery-workers 2

Options (defaults in brackets):
    --scenario journey|quiz-rush   the learner's journey [journey], or N learners starting one quiz within a window
    --users N                      simulated learners [1000 for journey, 300 for quiz-rush]
    --spawn-rate R                 learners started per second [10; quiz-rush 30]
    --duration 10m                 journey: time at full load after the ramp [10m]; quiz-rush: time limit [10m]
    --think-min/--think-max S      think time after every request, seconds [7.5 / 15]
    --rush-window S                quiz-rush: everyone starts within this many seconds [10]
    --instances 1|2                gunicorn instances on different ports behind one nginx [1]
    --workers-per-instance K       gunicorn workers per instance [4 with one instance, 2 each with two]
    --worker-class sync|gthread    [sync]; --threads T for gthread [4]
    --celery-workers 1|2           Celery worker processes (`celery -A lms worker`) [1]
    --celery-concurrency C         each worker's concurrency [1]
    --template lms_load_l          the L dataset (`manage.py seed_load --size L`); never written to
    --copy lms_load_run            the throwaway copy each run uses (dropped and made again from the template)
    --db-admin-url URL             [postgresql://postgres@127.0.0.1:5432/postgres]
    --wait-template S              wait this long for others' connections to the template to close [300]
    --allow-unready                run although /tmp/<template>.ready is missing (the dataset may be partial)
    --html                         also write locust's HTML report next to the raw files
    --label TEXT                   a note for the report (e.g. what changed in the app)

What it does, and undoes on exit (also on an error or Ctrl-C):
 1. installs what is missing: locust into .venv (pip); nginx via apt when run as root.
 2. CREATE DATABASE <copy> TEMPLATE <template> (after dropping the old copy), `migrate` on the copy, and picks the
    learners from the copy (SQL): each simulated learner is a distinct load account with an active enrolment, a
    lesson not yet studied, a quiz with attempts left, an open internship session it may book, and a real
    certificate code to verify. quiz-rush takes the course with most enrolled learners who have not tried its quiz
    (and enrols more through SQL into the copy only if there are too few).
 3. collectstatic into a temporary STATIC_ROOT; empties the bench Redis databases (10 cache, 11 broker).
 4. starts Celery worker(s), gunicorn instance(s) on ports 8101, 8102, and nginx on 127.0.0.1:8088 in front
    (X-Forwarded-For, Host, /static/ from the collected files), all in their own process groups.
 5. runs locust headless (bench/load/locustfile.py), samples CPU and memory of every process group every 5 s.
 6. writes bench/results/load-<scenario>-<date>-i<instances>-u<users>.md: parameters, dataset sizes, per step
    p50/p95/p99/max, requests, failures, requests/s, SQL queries per step (the app's X-DB-Queries header with
    LMS_BENCH=1), CPU and memory, and whether the targets are met. Raw files stay in the printed /tmp folder.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
RESULTS = ROOT / "bench" / "results"
NGINX_PORT = 8088
FIRST_APP_PORT = 8101
REDIS_CACHE = "redis://127.0.0.1:6379/10"
REDIS_BROKER = "redis://127.0.0.1:6379/11"
BOOKING_ACTIVE = ("head_review", "requested", "approved", "offered", "attended", "completed", "waitlisted")
TARGETS = {"journey": {"users": 1000, "p95_ms": 300}, "quiz-rush": {"users": 300, "p95_ms": 1000, "window": 10}}

PROCESSES: list[tuple[str, subprocess.Popen]] = []


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def die(message: str) -> None:
    print(f"\nrun.py: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def load_constants() -> tuple[str, str]:
    """LOAD_DOMAIN and LOAD_PASSWORD from cms/load_data/sizes.py, read as text: this script never imports Django."""
    text = (ROOT / "cms" / "load_data" / "sizes.py").read_text(encoding="utf-8")
    domain = re.search(r'^LOAD_DOMAIN = "([^"]+)"', text, re.M).group(1)
    password = re.search(r'^LOAD_PASSWORD = "([^"]+)"', text, re.M).group(1)
    return domain, password


def parse_duration(text: str) -> int:
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", text.strip())
    if not parts or not any(parts.groups()):
        die(f"--duration {text!r}: write e.g. 90s, 5m, 10m, 1h")
    hours, minutes, seconds = (int(x) if x else 0 for x in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


# --- 1. tools ---------------------------------------------------------------------------------------------------------

def ensure_tools() -> str:
    if not (VENV_BIN / "locust").exists():
        say("locust is missing: pip install locust into .venv")
        subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "locust>=2.30"], check=True)
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        if os.geteuid() != 0:
            die("nginx is missing. Install it (Debian/Ubuntu: sudo apt-get install nginx-light) and run again; "
                "this script installs it itself only when run as root.")
        say("nginx is missing: apt-get install nginx-light")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light"], env=env, check=True)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return nginx


# --- 2. database ------------------------------------------------------------------------------------------------------

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
    }
    return {label: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for label, table in tables.items()}


def overlaps(a, b) -> bool:
    return a[0] <= b[1] and b[0] <= a[1] and a[2] < b[3] and b[2] < a[3]


def pick_learners(conn, args, domain: str, rng: random.Random, seconds_ahead: int) -> dict:
    """Who takes part, from the copy: distinct learner accounts, each with what it will do."""
    root = conn.execute("SELECT p.url_path FROM wagtailcore_site s JOIN wagtailcore_page p ON p.id = s.root_page_id "
                        "ORDER BY s.is_default_site DESC LIMIT 1").fetchone()[0]

    def url(path: str) -> str:
        return "/" + path[len(root):] if path.startswith(root) else path

    catalogue = conn.execute("SELECT p.url_path FROM wagtailcore_page p JOIN courses_programmepage x "
                             "ON x.page_ptr_id = p.id WHERE p.live ORDER BY p.path LIMIT 1").fetchone()
    if catalogue is None:
        die("No programme page in the dataset: is it a seed_load dataset?")
    courses = {row[0]: {"path": row[1], "url": url(row[2]), "lessons": [], "quiz": None}
               for row in conn.execute("SELECT p.id, p.path, p.url_path FROM wagtailcore_page p JOIN "
                                       "courses_coursepage c ON c.page_ptr_id = p.id WHERE p.live")}
    by_path = {course["path"]: pk for pk, course in courses.items()}
    lengths = sorted({len(path) for path in by_path})

    def course_of(path: str):
        for length in lengths:
            if path[:length] in by_path:
                return by_path[path[:length]]
        return None

    for pk, path, url_path in conn.execute("SELECT p.id, p.path, p.url_path FROM wagtailcore_page p JOIN "
                                           "courses_lessonpage l ON l.page_ptr_id = p.id WHERE p.live "
                                           "ORDER BY p.path"):
        if (course := course_of(path)) is not None:
            courses[course]["lessons"].append((pk, url(url_path)))
    for pk, path, url_path, allowed in conn.execute(
            "SELECT p.id, p.path, p.url_path, q.attempts_allowed FROM wagtailcore_page p JOIN courses_quizpage q "
            "ON q.page_ptr_id = p.id WHERE p.live ORDER BY p.path"):
        course = course_of(path)
        if course is not None and courses[course]["quiz"] is None:
            courses[course]["quiz"] = {"id": pk, "url": url(url_path), "allowed": allowed}

    # Learners only: load accounts with a verified address, in no group but the learners' one.
    learners_group = conn.execute(
        "SELECT ug.group_id FROM accounts_user_groups ug JOIN accounts_user u ON u.id = ug.user_id "
        "WHERE u.email LIKE %s GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", [f"staff%@{domain}"]).fetchone()[0]
    people = dict(conn.execute(
        "SELECT u.id, u.email FROM accounts_user u WHERE u.email LIKE %s AND u.is_active AND NOT u.is_staff "
        "AND NOT u.is_superuser AND EXISTS (SELECT 1 FROM account_emailaddress a WHERE a.user_id = u.id "
        "AND a.verified) AND NOT EXISTS (SELECT 1 FROM accounts_user_groups g WHERE g.user_id = u.id "
        "AND g.group_id <> %s) ORDER BY u.id", [f"staff%@{domain}", learners_group]).fetchall())
    enrolments: dict[int, list[tuple[int, int, str]]] = {}
    for pk, user, course, status in conn.execute(
            "SELECT id, user_id, course_id, status FROM courses_enrolment WHERE status IN ('active', 'completed')"):
        enrolments.setdefault(user, []).append((pk, course, status))
    done = {pk: set(lessons) for pk, lessons in conn.execute(
        "SELECT enrolment_id, array_agg(lesson_id) FROM courses_lessoncompletion GROUP BY 1")}
    attempts = {(user, quiz): (count, open_) for user, quiz, count, open_ in conn.execute(
        "SELECT user_id, quiz_id, count(*), bool_or(status = 'in_progress') FROM courses_attempt GROUP BY 1, 2")}
    certificates = conn.execute("SELECT code, number FROM certificates_certificate WHERE status = 'valid'").fetchall()
    if not certificates:
        die("No valid certificate in the dataset to verify.")

    def quiz_free(user: int, quiz: dict) -> bool:
        count, open_ = attempts.get((user, quiz["id"]), (0, False))
        return not open_ and (not quiz["allowed"] or count < quiz["allowed"])

    if args.scenario == "quiz-rush":
        return pick_rush(conn, args, courses, people, enrolments, attempts, quiz_free, rng, url(catalogue[0]))

    busy: dict[int, list] = {}
    for user, topic, start, end, day_start, day_end, status in conn.execute(
            "SELECT b.user_id, b.topic_id, s.start_date, s.end_date, s.day_starts, s.day_ends, s.status "
            "FROM internships_booking b JOIN internships_session s ON s.id = b.session_id "
            "WHERE b.status = ANY(%s)", [list(BOOKING_ACTIVE)]):
        busy.setdefault(user, []).append((topic, (start, end, day_start, day_end), status))
    sessions = conn.execute(
        "SELECT id, topic_id, start_date, end_date, day_starts, day_ends FROM internships_session "
        "WHERE status = 'open' AND booking_deadline > now() + make_interval(secs => %s)",
        [seconds_ahead]).fetchall()
    if not sessions:
        die("No internship session open for booking in the dataset.")

    accounts = []
    for user, email in rng.sample(sorted(people.items()), len(people)):
        plans = []
        for enrolment, course_id, status in enrolments.get(user, []):
            course = courses.get(course_id)
            if status != "active" or not course or not course["quiz"] or not quiz_free(user, course["quiz"]):
                continue
            todo = [lesson for lesson in course["lessons"] if lesson[0] not in done.get(enrolment, ())]
            if todo:
                plans.append((course, todo[0]))
        if not plans:
            continue
        mine = busy.get(user, [])
        topics = {topic for topic, _, _ in mine}
        free = [s for s in sessions if s[1] not in topics
                and not any(status != "cancelled" and overlaps(s[2:6], when) for _, when, status in mine)]
        if not free:
            continue
        course, lesson = rng.choice(plans)
        session = rng.choice(free)
        code, number = rng.choice(certificates)
        accounts.append({"email": email, "course_url": course["url"], "lesson_id": lesson[0],
                         "lesson_url": lesson[1], "quiz_id": course["quiz"]["id"], "quiz_url": course["quiz"]["url"],
                         "session_id": session[0], "certificate_code": code, "certificate_number": number})
    return {"catalogue_url": url(catalogue[0]), "accounts": accounts, "eligible": len(accounts)}


def pick_rush(conn, args, courses, people, enrolments, attempts, quiz_free, rng, catalogue_url) -> dict:
    """The course whose quiz most enrolled learners have not tried yet; more enrolled through SQL if needed."""
    fresh: dict[int, list[int]] = {}
    for user in people:
        for _, course_id, _ in enrolments.get(user, []):
            quiz = courses.get(course_id, {}).get("quiz")
            if quiz and (user, quiz["id"]) not in attempts:
                fresh.setdefault(course_id, []).append(user)
    course_id = max(courses, key=lambda pk: (len(fresh.get(pk, [])), -pk) if courses[pk]["quiz"] else (-1, 0))
    course, quiz = courses[course_id], courses[course_id]["quiz"]
    chosen = list(fresh.get(course_id, []))
    rng.shuffle(chosen)
    if len(chosen) < args.users:  # those who tried but have attempts left
        enrolled = {user for user in people for _, c, _ in enrolments.get(user, []) if c == course_id}
        more = sorted(u for u in enrolled if u not in set(chosen) and quiz_free(u, quiz))
        chosen += rng.sample(more, min(len(more), args.users - len(chosen)))
    enrolled_now = 0
    if len(chosen) < args.users:  # enrol more learners, in the copy only, as an administrator's enrolment would
        others = sorted(u for u in people if all(c != course_id for _, c, _ in enrolments.get(u, [])))
        extra = rng.sample(others, min(len(others), args.users - len(chosen)))
        with conn.transaction():
            for user in extra:
                conn.execute("INSERT INTO courses_enrolment (user_id, course_id, source, status, created_at, "
                             "decided_at, progress_percent) VALUES (%s, %s, 'admin', 'active', now(), now(), 0)",
                             [user, course_id])
        chosen += extra
        enrolled_now = len(extra)
    chosen = chosen[:args.users]
    return {"catalogue_url": catalogue_url, "accounts": [{"email": people[u]} for u in chosen],
            "eligible": len(chosen), "enrolled_by_sql": enrolled_now,
            "rush": {"users": len(chosen), "quiz_id": quiz["id"], "quiz_url": quiz["url"],
                     "course_url": course["url"], "window": args.rush_window, "fresh": len(fresh.get(course_id, []))}}


# --- 3-4. servers -----------------------------------------------------------------------------------------------------

def spawn(name: str, command: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    PROCESSES.append((name, process))
    return process


def stop_all() -> None:
    for name, process in reversed(PROCESSES):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 15
    for name, process in reversed(PROCESSES):
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        try:  # whatever is left of the group (workers of a master that did not wait for them)
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    PROCESSES.clear()


def nginx_config(run_dir: Path, static_root: Path, ports: list[int]) -> Path:
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in ports)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / f"nginx-{sub}").mkdir(exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(f"""# generated by bench/load/run.py
daemon off;
worker_processes 1;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {run_dir}/nginx-body;
    proxy_temp_path {run_dir}/nginx-proxy;
    fastcgi_temp_path {run_dir}/nginx-fastcgi;
    uwsgi_temp_path {run_dir}/nginx-uwsgi;
    scgi_temp_path {run_dir}/nginx-scgi;
    keepalive_timeout 65s;
    keepalive_requests 100000;
    upstream lms {{
        least_conn;
{servers}
    }}
    server {{
        listen 127.0.0.1:{NGINX_PORT} backlog=4096;
        server_name localhost;
        client_max_body_size 25m;
        location /static/ {{
            alias {static_root}/;
            expires 30d;
        }}
        location / {{
            proxy_pass http://lms;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 120s;
        }}
    }}
}}
""")
    return conf


def wait_http(url: str, seconds: float, process_names: list[str]) -> None:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        for name, process in PROCESSES:
            if process.poll() is not None and name in process_names:
                die(f"{name} exited with code {process.returncode}; see its log in the run folder.")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": "localhost"}), timeout=5) as r:
                if r.status == 200:
                    return
        except Exception as exc:  # noqa: BLE001 - waiting for the server, any error means "not yet"
            last = str(exc)
        time.sleep(0.5)
    die(f"{url} did not answer 200 within {seconds:.0f} s ({last}).")


# --- 5. sampling --------------------------------------------------------------------------------------------------

class Sampler(threading.Thread):
    """CPU (percent of one core, summed over a group's processes) and resident memory of each process group."""

    def __init__(self, groups: dict[str, list[int]], database: str, every: float = 5.0):
        super().__init__(daemon=True)
        self.database = database
        import psutil

        self.psutil, self.groups, self.every = psutil, groups, every
        self.samples: list[dict] = []
        self.stop_event = threading.Event()
        self.known: dict[int, object] = {}

    def members(self) -> dict[str, list]:
        psutil = self.psutil
        found: dict[str, list] = {name: [] for name in self.groups}
        ours, others = "postgres (this run's connections)", "postgres (server, other databases)"
        found[ours], found[others], found["redis"] = [], [], []
        for process in psutil.process_iter(["pid", "name", "cmdline"]):
            try:
                pgid = os.getpgid(process.pid)
            except (ProcessLookupError, PermissionError):
                continue
            for name, pgids in self.groups.items():
                if pgid in pgids:
                    found[name].append(process.pid)
            if process.info["name"] and process.info["name"].startswith("postgres"):
                title = " ".join(process.info["cmdline"] or [])
                found[ours if f" {self.database} " in f"{title} " else others].append(process.pid)
            elif process.info["name"] == "redis-server":
                found["redis"].append(process.pid)
        return found

    def run(self):
        psutil = self.psutil
        psutil.cpu_percent()
        while not self.stop_event.wait(self.every):
            sample = {"t": time.time(), "load1": os.getloadavg()[0], "cpu_total": psutil.cpu_percent(),
                      "groups": {}}
            for name, pids in self.members().items():
                cpu = rss = 0.0
                for pid in pids:
                    try:
                        process = self.known.get(pid)
                        if process is None:
                            process = self.known[pid] = psutil.Process(pid)
                            process.cpu_percent()
                            continue
                        cpu += process.cpu_percent()
                        rss += process.memory_info().rss
                    except psutil.Error:
                        self.known.pop(pid, None)
                sample["groups"][name] = {"cpu": cpu, "rss_mb": rss / 2**20, "processes": len(pids)}
            self.samples.append(sample)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=10)


# --- 6. report ------------------------------------------------------------------------------------------------------

def fmt(value, digits=0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def write_report(args, *, meta, sizes, picked, results, locust_rows, samples, window, after) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    day = datetime.date.today().isoformat()
    path = RESULTS / f"load-{args.scenario}-{day}-i{args.instances}-u{args.users}.md"
    number = 2
    while path.exists():
        path = RESULTS / f"load-{args.scenario}-{day}-i{args.instances}-u{args.users}-{number}.md"
        number += 1
    steps = results["steps"]
    seconds = max(1e-9, results["stopped"] - results["started"])
    total = sum(s["requests"] for s in steps.values())
    failures = sum(s["failures"] for s in steps.values())
    lines = [f"# Load test: {args.scenario}, {args.users} learners, {args.instances} gunicorn instance(s)", ""]
    if args.label:
        lines += [args.label, ""]
    lines += [
        f"Run {meta['when']} with `{meta['command']}`.", "",
        "## Set-up", "",
        "| | |", "|---|---|",
        f"| code | `{meta['commit']}`{' + uncommitted changes' if meta['dirty'] else ''} (when the servers started) |",
        f"| machine | {meta['cores']} cores, {meta['memory_gb']:.1f} GB; load average at start "
        f"{meta['load_start']} (1, 5, 15 min), at end {meta['load_end']} |",
        f"| topology | locust (1 process, FastHttpUser) → nginx 127.0.0.1:{NGINX_PORT} (1 worker process) → "
        f"{args.instances} gunicorn instance(s) on ports {', '.join(map(str, meta['ports']))} → PostgreSQL "
        f"{meta['postgres']} + Redis; {args.celery_workers} Celery worker(s) × concurrency {args.celery_concurrency} |",
        f"| gunicorn | {args.workers_per_instance} {args.worker_class} worker(s) per instance"
        + (f", {args.threads} threads each" if args.worker_class == "gthread" else "")
        + f" ({args.workers_per_instance * args.instances} in all) |",
        "| environment | DJANGO_DEBUG=false, LMS_BENCH=1, DJANGO_TRUSTED_PROXY_COUNT=1, cache and rate limits in Redis, "
        "Celery on Redis, e-mail to a dummy backend, static files from nginx |",
        f"| learners | {args.users} simulated, each a distinct load account (pool of {len(picked['accounts'])} "
        f"picked from {picked['eligible']} eligible); each connects from its own 127.10.x.y address, which nginx "
        "appends to X-Forwarded-For |",
        f"| password hashes in the dataset | {meta['hashers']} |",
    ]
    if args.scenario == "journey":
        lines += [
            f"| load | ramp {args.spawn_rate}/s to {args.users} learners, then {meta['duration']} s measured at full "
            f"load; think time {args.think_min}–{args.think_max} s after every request |",
            f"| journeys | {results['journeys_started']} started and {results['journeys_done']} finished during "
            f"the measured window{'; account pool exhausted' if results['pool_exhausted'] else ''} |",
        ]
    else:
        rush = picked["rush"]
        lines += [
            f"| load | all {rush['users']} learners log in and open the quiz first (not measured as the rush); then "
            f"each starts it at a random moment within {args.rush_window} s, loads the first attempt page, waits "
            f"1–3 s and saves one answer |",
            f"| quiz | `{rush['quiz_url']}` (id {rush['quiz_id']}); {rush['fresh']} of the course's learners had "
            f"not tried it; {picked.get('enrolled_by_sql', 0)} enrolled through SQL for the run |",
        ]
    lines += ["", "Dataset (the copy at the start):", "",
              "| " + " | ".join(sizes) + " |", "|" + "---|" * len(sizes),
              "| " + " | ".join(fmt(v) for v in sizes.values()) + " |", ""]

    lines += ["## Results per step", "",
              "Times in milliseconds, exact percentiles over every request of the measured window "
              f"({fmt(seconds)} s). SQL: queries per request from the `X-DB-Queries` header (median / max).", "",
              "| step | requests | failures | req/s | p50 | p95 | p99 | max | SQL median | SQL max |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in sorted(steps):
        s = steps[name]
        lines.append(f"| {name} | {s['requests']} | {s['failures']} | {fmt(s['requests'] / seconds, 2)} | "
                     f"{fmt(s['p50'])} | {fmt(s['p95'])} | {fmt(s['p99'])} | {fmt(s['max'])} | "
                     f"{fmt(s['queries_median'], 0)} | {fmt(s['queries_max'])} |")
    lines += ["", f"**Overall:** {total} requests in {fmt(seconds)} s = **{fmt(total / seconds, 1)} requests/s**, "
              f"**{failures} failed** ({fmt(100 * failures / max(total, 1), 2)} %).", ""]
    if results["failures"]:
        lines += ["Failures (step: message × count):", ""]
        for name, messages in sorted(results["failures"].items()):
            for message, count in sorted(messages.items(), key=lambda item: -item[1])[:5]:
                lines.append(f"- {name}: {message} × {count}")
        lines.append("")
    if locust_rows:
        agg = locust_rows.get("Aggregated")
        if agg:
            lines += [f"Locust's own aggregate over the same window: {agg['Request Count']} requests, "
                      f"{agg['Failure Count']} failures, {float(agg['Requests/s']):.1f} requests/s, "
                      f"p95 {agg['95%']} ms (locust rounds times above 100 ms).", ""]

    # Targets
    lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    target = TARGETS[args.scenario]
    if args.scenario == "journey":
        worst = max(steps.items(), key=lambda item: item[1]["p95"] or 0) if steps else ("—", {"p95": None})
        over = [name for name, s in steps.items() if (s["p95"] or 0) >= target["p95_ms"]]
        lines += [
            f"| {target['users']} learners, think 7.5–15 s | {args.users} learners, think {args.think_min}–"
            f"{args.think_max} s, {fmt(total / seconds, 1)} requests/s | "
            f"{'yes' if args.users >= target['users'] and args.think_min == 7.5 and args.think_max == 15 else 'no'} |",
            f"| p95 < {target['p95_ms']} ms for every step | worst: {worst[0]} {fmt(worst[1]['p95'])} ms; "
            f"{len(over)} step(s) at or above | {'yes' if not over else 'no'} |",
            f"| no errors | {failures} failed of {total} | {'yes' if failures == 0 else 'no'} |",
        ]
    else:
        rush_steps = {n: s for n, s in steps.items() if n.startswith(("R1", "R2", "R3"))}
        start = steps.get("R1 quiz: start (POST)", {})
        spread = (start.get("last_at", 0) - start.get("first_at", 0)) if start else None
        rush_failures = sum(s["failures"] for s in steps.values())
        over = [n for n, s in rush_steps.items() if (s["p95"] or 0) >= target["p95_ms"]]
        lines += [
            f"| {target['users']} learners start the same quiz within {target['window']} s | "
            f"{start.get('requests', 0)} starts; the first and last start answered {fmt(spread, 1)} s apart "
            f"(each sent at a random moment of a {args.rush_window} s window) | "
            f"{'yes' if start.get('requests', 0) >= target['users'] and args.rush_window <= target['window'] else 'no'} |",
            f"| p95 < {target['p95_ms']} ms | start {fmt(start.get('p95'))} ms; " + "; ".join(
                f"{n[3:]} {fmt(s['p95'])} ms" for n, s in sorted(rush_steps.items()) if n != "R1 quiz: start (POST)")
            + f" | {'yes' if not over and rush_steps else 'no'} |",
            f"| no errors | {rush_failures} failed (log-in included) | {'yes' if rush_failures == 0 else 'no'} |",
        ]

    # Resources
    if samples:
        inside = [s for s in samples if window[0] <= s["t"] <= window[1]] or samples
        names = list(inside[-1]["groups"])
        lines += ["", "## Processes during the measured window", "",
                  f"Sampled every 5 s ({len(inside)} samples). CPU in % of one core (the machine has "
                  f"{meta['cores']}: {100 * meta['cores']} % is everything); memory is resident (RSS) summed over "
                  "the group's processes.", "",
                  "| processes | count | CPU mean | CPU max | RSS mean MB | RSS max MB |",
                  "|---|---:|---:|---:|---:|---:|"]
        for name in names:
            cpu = [s["groups"][name]["cpu"] for s in inside if name in s["groups"]]
            rss = [s["groups"][name]["rss_mb"] for s in inside if name in s["groups"]]
            count = max(s["groups"][name]["processes"] for s in inside if name in s["groups"])
            lines.append(f"| {name} | {count} | {fmt(statistics.fmean(cpu))} | {fmt(max(cpu))} | "
                         f"{fmt(statistics.fmean(rss))} | {fmt(max(rss))} |")
        rest = [max(0.0, s["cpu_total"] * meta["cores"] - sum(g["cpu"] for g in s["groups"].values()))
                for s in inside]
        lines.append(f"| all other processes (other people's work on the machine) | | {fmt(statistics.fmean(rest))} | "
                     f"{fmt(max(rest))} | | |")
        total_cpu = [s["cpu_total"] for s in inside]
        loads = [s["load1"] for s in inside]
        lines += ["", f"Whole machine: CPU busy {fmt(statistics.fmean(total_cpu))} % mean, "
                  f"{fmt(max(total_cpu))} % max (of 100 % = all cores); load average (1 min) "
                  f"{fmt(min(loads), 2)}–{fmt(max(loads), 2)}."]
    if after:
        lines += ["", "## After the run", ""] + [f"- {line}" for line in after]
    lines += ["", f"Raw files (locust CSV, JSON, server logs): `{meta['run_dir']}` (temporary).", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def read_locust_csv(prefix: Path) -> dict:
    import csv

    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        return {}
    with open(stats, encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


# --- main -------------------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=["journey", "quiz-rush"], default="journey")
    parser.add_argument("--users", type=int)
    parser.add_argument("--spawn-rate", type=float)
    parser.add_argument("--duration", default="10m")
    parser.add_argument("--think-min", type=float, default=7.5)
    parser.add_argument("--think-max", type=float, default=15.0)
    parser.add_argument("--rush-window", type=float, default=10.0)
    parser.add_argument("--instances", type=int, choices=[1, 2], default=1)
    parser.add_argument("--workers-per-instance", type=int)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--celery-workers", type=int, choices=[1, 2], default=1)
    parser.add_argument("--celery-concurrency", type=int, choices=[1, 2], default=1)
    parser.add_argument("--template", default="lms_load_l")
    parser.add_argument("--copy", default="lms_load_run")
    parser.add_argument("--db-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--allow-unready", action="store_true")
    parser.add_argument("--wait-template", type=float, default=300,
                        help="seconds to wait for other connections to the template to close [300]")
    parser.add_argument("--html", action="store_true")
    parser.add_argument("--label", default="")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.users = args.users or (1000 if args.scenario == "journey" else 300)
    args.spawn_rate = args.spawn_rate or (10.0 if args.scenario == "journey" else 30.0)
    args.workers_per_instance = args.workers_per_instance or max(1, 4 // args.instances)
    duration = parse_duration(args.duration)
    ramp = args.users / args.spawn_rate
    if not (ROOT / ".venv").exists():
        die("No .venv: bootstrap the project first (README).")
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        say("note: not running under .venv/bin/python; the servers are started from .venv anyway")

    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    say(f"load average at start: {load_start}")
    nginx = ensure_tools()
    domain, password = load_constants()
    run_dir = Path(tempfile.mkdtemp(prefix=f"lms-load-{args.scenario}-"))
    run_dir.chmod(0o755)  # nginx's worker (user nobody) reads the static files below it
    say(f"run folder: {run_dir}")

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        run(args, nginx=nginx, domain=domain, password=password, run_dir=run_dir, duration=duration, ramp=ramp,
            load_start=load_start)
    except KeyboardInterrupt:
        say("interrupted: stopping everything")
        raise SystemExit(130) from None
    finally:
        stop_all()


def run(args, *, nginx, domain, password, run_dir, duration, ramp, load_start) -> None:
    import psycopg

    # The code the servers start with (others may commit while the test runs).
    code = (subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip(),
            bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench"],
                                cwd=ROOT, capture_output=True, text=True).stdout.strip()))
    database_url = make_copy(args)
    static_root = run_dir / "static"
    static_root.mkdir()
    ports = [FIRST_APP_PORT + i for i in range(args.instances)]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-load-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SITE_URL": f"http://localhost:{NGINX_PORT}",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(run_dir / "media"),
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_CACHE,
        "CELERY_BROKER_URL": REDIS_BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
        "LMS_BENCH": "1",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("DJANGO_DEBUG_TOOLBAR", None)
    say("migrate (the copy) and collectstatic")
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        done = subprocess.run([str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, capture_output=True,
                              text=True)
        if done.returncode != 0:
            die(f"manage.py {' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")

    rng = random.Random(args.seed)
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        sizes = dataset_sizes(conn)
        hashers = ", ".join(f"{name} × {count}" for name, count in conn.execute(
            "SELECT split_part(password, '$', 1) || coalesce('$' || nullif(split_part(password, '$', 2), ''), ''), "
            "count(*) FROM accounts_user WHERE email LIKE %s GROUP BY 1 ORDER BY 2 DESC", [f"%@{domain}"]))
        postgres = conn.execute("SHOW server_version").fetchone()[0]
        picked = pick_learners(conn, args, domain, rng, seconds_ahead=int(ramp + duration + 600))
    think_mean = (args.think_min + args.think_max) / 2
    if args.scenario == "journey":
        per_user = 2 + int((ramp + duration) / (20 * think_mean))
        wanted = args.users * per_user
        if len(picked["accounts"]) < args.users:
            die(f"Only {len(picked['accounts'])} eligible learners for {args.users} simulated ones.")
        picked["accounts"] = picked["accounts"][:wanted]
        if len(picked["accounts"]) < wanted:
            say(f"note: {len(picked['accounts'])} accounts for about {wanted} journeys; when they run out, "
                "simulated learners stop (the report says so)")
    elif picked["rush"]["users"] < args.users:
        die(f"Only {picked['rush']['users']} learners could be prepared for the quiz rush.")
    say(f"{len(picked['accounts'])} learner accounts picked ({picked['eligible']} eligible)")
    data = {"password": password, "think": [args.think_min, args.think_max], "catalogue_url": picked["catalogue_url"],
            "accounts": picked["accounts"], "rush": picked.get("rush"),
            "reset_on_spawned": args.scenario == "journey"}
    if data["rush"]:
        data["rush"]["ready_timeout"] = max(120, duration - 60)
    data_file = run_dir / "learners.json"
    data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    import redis

    for url in (REDIS_CACHE, REDIS_BROKER):  # no rate-limit counters or queued tasks from an earlier run
        redis.Redis.from_url(url).flushdb()

    groups: dict[str, list[int]] = {}
    for number in range(1, args.celery_workers + 1):
        process = spawn(f"celery-{number}", [str(VENV_BIN / "celery"), "-A", "lms", "worker", "-l", "warning",
                                             "-c", str(args.celery_concurrency), "-n", f"bench{number}@%h",
                                             "--without-gossip", "--without-mingle"],
                        env, run_dir / f"celery-{number}.log")
        groups.setdefault("celery", []).append(process.pid)
    for number, port in enumerate(ports, 1):
        command = [str(VENV_BIN / "gunicorn"), "lms.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(args.workers_per_instance), "--worker-class", args.worker_class,
                   "--timeout", "120", "--graceful-timeout", "10", "--backlog", "2048",
                   "--log-level", "warning", "--name", f"lms-load-{number}"]
        if args.worker_class == "gthread":
            command += ["--threads", str(args.threads)]
        process = spawn(f"gunicorn-{number}", command, env, run_dir / f"gunicorn-{number}.log")
        groups.setdefault("gunicorn", []).append(process.pid)
    conf = nginx_config(run_dir, static_root, ports)
    process = spawn("nginx", [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "nginx-error.log")],
                    env, run_dir / "nginx.log")
    groups["nginx"] = [process.pid]
    for port in ports:
        wait_http(f"http://127.0.0.1:{port}/healthz", 90, [n for n, _ in PROCESSES])
    wait_http(f"http://127.0.0.1:{NGINX_PORT}/healthz", 30, ["nginx"])
    say(f"servers up: nginx :{NGINX_PORT} -> gunicorn {ports}; warming up the workers")
    for _ in range(4 * args.workers_per_instance * args.instances):
        for page in ("/", picked["catalogue_url"], "/internships/", "/accounts/login/"):
            try:
                urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{NGINX_PORT}{page}",
                                                              headers={"Host": "localhost"}), timeout=30).read()
            except Exception as exc:  # noqa: BLE001
                die(f"warm-up request {page} failed: {exc}")

    prefix = run_dir / "locust"
    out_file = run_dir / "results.json"
    run_time = int(ramp + duration) if args.scenario == "journey" else duration
    command = [str(VENV_BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{run_time}s", "--stop-timeout", "5",
               "--host", f"http://localhost:{NGINX_PORT}", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", "JourneyLearner" if args.scenario == "journey" else "RushLearner"]
    if args.scenario == "journey":
        command.append("--reset-stats")
    if args.html:
        command += ["--html", str(run_dir / "locust.html")]
    locust_env = {**os.environ, "LMS_LOAD_DATA": str(data_file), "LMS_LOAD_OUT": str(out_file)}
    say(f"locust: {args.users} learners at {args.spawn_rate}/s, run time {run_time} s "
        f"(ramp {ramp:.0f} s + {duration} s)" if args.scenario == "journey" else
        f"locust: {args.users} learners log in, then start the quiz within {args.rush_window} s")
    sampler = Sampler(groups, args.copy)
    sampler.start()
    locust = spawn("locust", command, locust_env, run_dir / "locust.log")
    sampler.groups["locust"] = [locust.pid]
    try:
        locust.wait(timeout=run_time + 900)
    except subprocess.TimeoutExpired:
        say("locust did not stop in time: stopping it")
        os.killpg(locust.pid, signal.SIGINT)
        locust.wait(timeout=60)
    sampler.stop()
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if not out_file.exists():
        die(f"locust wrote no results (exit code {locust.returncode}); see {run_dir / 'locust.log'}")
    results = json.loads(out_file.read_text(encoding="utf-8"))

    after = []
    broker = redis.Redis.from_url(REDIS_BROKER)
    after.append(f"tasks still queued for Celery when locust stopped: {broker.llen('celery')}")
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        started_at = datetime.datetime.fromtimestamp(results["started"], datetime.timezone.utc)
        for label, sql in (
                ("attempts started during the window",
                 "SELECT count(*) FROM courses_attempt WHERE started_at >= %s"),
                ("of them submitted", "SELECT count(*) FROM courses_attempt WHERE started_at >= %s AND "
                                      "status <> 'in_progress'"),
                ("internship bookings made", "SELECT count(*) FROM internships_booking WHERE created_at >= %s"),
                ("certificates issued (courses completed)",
                 "SELECT count(*) FROM certificates_certificate WHERE issued_at >= %s"),
                ("of them with the PDF rendered by Celery",
                 "SELECT count(*) FROM certificates_certificate WHERE issued_at >= %s AND pdf <> ''")):
            after.append(f"{label}: {conn.execute(sql, [started_at]).fetchone()[0]}")
    for name, _ in PROCESSES:
        log = run_dir / f"{name}.log"
        if name.startswith("gunicorn") and log.exists():
            errors = [line for line in log.read_text(errors="replace").splitlines()
                      if "Traceback" in line or "[CRITICAL]" in line or "WORKER TIMEOUT" in line]
            if errors:
                after.append(f"{name} log: {len(errors)} error line(s), e.g. `{errors[0][:160]}`")

    import psutil

    meta = {
        "when": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "command": " ".join([".venv/bin/python", "bench/load/run.py", *sys.argv[1:]]),
        "commit": code[0], "dirty": code[1],
        "cores": os.cpu_count(), "memory_gb": psutil.virtual_memory().total / 2**30,
        "load_start": load_start, "load_end": load_end, "ports": ports, "postgres": postgres,
        "hashers": hashers, "duration": int(results["stopped"] - results["started"]), "run_dir": str(run_dir),
    }
    report = write_report(args, meta=meta, sizes=sizes, picked=picked, results=results,
                          locust_rows=read_locust_csv(prefix), samples=sampler.samples,
                          window=(results["started"], results["stopped"]), after=after)
    say(f"report: {report.relative_to(ROOT)}")
    print(report.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
