"""Load test of the platform on this machine: nginx -> gunicorn -> PostgreSQL + Redis + Celery, driven by locust.

    .venv/bin/python bench/load/run.py --scenario journey   --users 1000 --spawn-rate 10 --duration 5m
    .venv/bin/python bench/load/run.py --scenario quiz-rush --users 300
    .venv/bin/python bench/load/run.py --scenario journey   --users 1000 --instances 2 --celery-workers 2
    LMS_LOCUST=/path/to/venv/bin/locust .venv/bin/python bench/load/run.py ...   (locust kept out of .venv)

Options (defaults in brackets):
    --scenario journey|quiz-rush   the learner's journey [journey], or N learners starting one quiz within a window
    --users N                      simulated learners [1000 for journey, 300 for quiz-rush]
    --scorm-users N                journey only: SCORM learners beside the journey's, each with an account of its
                                   own, studying a SCORM lesson and committing every 30 s [300 with journey]
    --scorm-commit-every S         seconds between a SCORM learner's commits [30, as the player's autocommit]
    --spawn-rate R                 learners started per second, SCORM learners included [10; quiz-rush 30]
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
    certificate code to verify; with --scorm-users, other accounts, each enrolled (active) in a course with a SCORM
    lesson, spread over those lessons. quiz-rush takes the course with most enrolled learners who have not tried
    its quiz (and enrols more through SQL into the copy only if there are too few).
 3. collectstatic into a temporary STATIC_ROOT; empties the bench Redis databases (10 cache, 11 broker).
 4. starts Celery worker(s), gunicorn instance(s) on ports 8101, 8102, and nginx on 127.0.0.1:8088 in front
    (X-Forwarded-For, Host, /static/ from the collected files), all in their own process groups.
 5. runs locust headless (bench/load/locustfile.py), samples CPU and memory of every process group every 5 s.
 6. writes bench/results/load-<scenario>-<date>-i<instances>-u<users>.md: parameters, dataset sizes, per step
    p50/p95/p99/max, requests, failures, requests/s, SQL queries per step (the app's X-DB-Queries header with
    LMS_BENCH=1), CPU and memory, and whether the targets are met. Raw files stay in the printed /tmp folder.

This file holds the command line and the run's order; the steps are in the modules beside it: servers.py (1, and
the processes of 4: spawning, nginx's configuration, waiting, stopping), database.py (2, the copy), learners.py
(2, who takes part), sampling.py (5), report.py (6), and common.py (paths, ports, messages).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from common import (FIRST_APP_PORT, HERE, LOCUST, NGINX_PORT, PYTHON, REDIS_BROKER, REDIS_CACHE, ROOT, VENV_BIN,
                    die, load_constants, parse_duration, say)
from database import dataset_sizes, make_copy
from learners import pick_learners
from report import read_locust_csv, write_report
from sampling import Pulse, Sampler
from servers import PROCESSES, ensure_tools, nginx_config, spawn, stop_all, wait_http


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=["journey", "quiz-rush"], default="journey")
    parser.add_argument("--users", type=int)
    parser.add_argument("--scorm-users", type=int)
    parser.add_argument("--scorm-commit-every", type=float, default=30.0)
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
    if args.scorm_users is None:
        args.scorm_users = 300 if args.scenario == "journey" else 0
    if args.scorm_users and args.scenario != "journey":
        die("--scorm-users runs beside the journey only.")
    args.spawn_rate = args.spawn_rate or (10.0 if args.scenario == "journey" else 30.0)
    args.workers_per_instance = args.workers_per_instance or max(1, 4 // args.instances)
    duration = parse_duration(args.duration)
    ramp = (args.users + args.scorm_users) / args.spawn_rate
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
    if args.scorm_users:
        say(f"{len(picked['scorm']['accounts'])} SCORM learners on {picked['scorm']['lessons']} SCORM lessons "
            f"({picked['scorm']['eligible']} enrolled learners eligible)")
    data = {"password": password, "think": [args.think_min, args.think_max], "catalogue_url": picked["catalogue_url"],
            "accounts": picked["accounts"], "rush": picked.get("rush"),
            "reset_on_spawned": args.scenario == "journey",
            "scorm": {"users": args.scorm_users, "accounts": picked["scorm"]["accounts"],
                      "commit_every": args.scorm_commit_every} if picked.get("scorm") else None}
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
    command = [str(LOCUST), "-f", str(HERE / "locustfile.py"), "--headless",
               "-u", str(args.users + args.scorm_users), "-r", str(args.spawn_rate), "-t", f"{run_time}s",
               "--stop-timeout", "5",
               "--host", f"http://localhost:{NGINX_PORT}", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", *(["JourneyLearner"] + (["ScormLearner"] if args.scorm_users else [])
                                          if args.scenario == "journey" else ["RushLearner"])]
    if args.scenario == "journey":
        command.append("--reset-stats")
    if args.html:
        command += ["--html", str(run_dir / "locust.html")]
    locust_env = {**os.environ, "LMS_LOAD_DATA": str(data_file), "LMS_LOAD_OUT": str(out_file)}
    say(f"locust: {args.users} learners + {args.scorm_users} SCORM learners at {args.spawn_rate}/s, run time "
        f"{run_time} s "
        f"(ramp {ramp:.0f} s + {duration} s)" if args.scenario == "journey" else
        f"locust: {args.users} learners log in, then start the quiz within {args.rush_window} s")
    sampler = Sampler(groups, args.copy)
    sampler.start()
    pulse = Pulse(database_url, args.copy)
    pulse.start()
    locust = spawn("locust", command, locust_env, run_dir / "locust.log")
    sampler.groups["locust"] = [locust.pid]
    try:
        locust.wait(timeout=run_time + 900)
    except subprocess.TimeoutExpired:
        say("locust did not stop in time: stopping it")
        os.killpg(locust.pid, signal.SIGINT)
        locust.wait(timeout=60)
    sampler.stop()
    pulse.stop()
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if not out_file.exists():
        die(f"locust wrote no results (exit code {locust.returncode}); see {run_dir / 'locust.log'}")
    results = json.loads(out_file.read_text(encoding="utf-8"))
    (run_dir / "samples.json").write_text(json.dumps({"processes": sampler.samples, "pulse": pulse.samples}))

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
                 "SELECT count(*) FROM certificates_certificate WHERE issued_at >= %s AND pdf <> ''"),
                ("SCORM SCO states saved during the window (one per SCORM learner who committed)",
                 "SELECT count(*) FROM courses_scormscostate WHERE updated_at >= %s"),
                ("longest suspend_data saved during the window, characters",
                 "SELECT coalesce(max(length(suspend_data)), 0) FROM courses_scormscostate WHERE updated_at >= %s")):
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
                          locust_rows=read_locust_csv(prefix), samples=sampler.samples, pulse=pulse.samples,
                          window=(results["started"], results["stopped"]), after=after)
    say(f"report: {report.relative_to(ROOT)}")
    print(report.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
