"""The load journey replayed in one process, without locust, nginx or gunicorn: what each step costs the app itself.

    .venv/bin/python bench/load/replay.py [--journeys 60] [--scorm 30] [--profile "07 lesson"] [--top 30]

Where a load run (`run.py`) shows that the servers were short of CPU, this tells which steps spend it. It makes a
throwaway copy of the L dataset (`--copy lms_load_replay` from `--template lms_load_l`, as `run.py` does), picks
learner accounts the same way (`learners.py`), and walks each of them through the journey's requests with Django's
test client, in the production settings the load run gives gunicorn (DEBUG off, cache and sessions in Redis,
Celery tasks sent to Redis and never run). SCORM learners open their player page and commit the whole 1.2 data
model a few times, as `ScormLearner` does. No think time: the measure is CPU, not latency.

For every step it prints the CPU time the process spent per request (`time.process_time`, which the test client's
own overhead adds a little to, the same for every step) as median and mean, and the SQL queries from the
`X-DB-Queries` header. The first `--warm` journeys are not counted: they fill this process's copies of shared
content, as the first minutes of a run fill each gunicorn worker's. `--profile STEP` (a step's name, or `all`)
collects cProfile over the counted requests of that step and prints the functions that spend the most.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, ROOT]

from common import REDIS_BROKER, REDIS_CACHE, load_constants, say  # noqa: E402
from database import make_copy  # noqa: E402
from journey_pages import ATTEMPT_RE, CSRF_RE, quiz_answer  # noqa: E402
from scorm_commits import grow_suspend, scorm_config, scorm_time  # noqa: E402



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=60)
    parser.add_argument("--warm", type=int, default=10, help="journeys run first and not counted [10]")
    parser.add_argument("--scorm", type=int, default=30, help="SCORM learners, each commits --commits times [30]")
    parser.add_argument("--commits", type=int, default=6)
    parser.add_argument("--no-look-around", action="store_true",
                        help="no warm-up visit of each learner's pages: their own kept parts (the header) and the "
                             "pages nobody opened yet are made during the counted journeys, as in a load run")
    parser.add_argument("--profile", default="", help='a step name ("07 lesson"), or "all"')
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--calls", action="store_true",
                        help="count Python function calls per request and step (cProfile; a measure that does not "
                             "move with the machine's noise, unlike CPU time)")
    parser.add_argument("--template", default="lms_load_l")
    parser.add_argument("--copy", default="lms_load_replay")
    parser.add_argument("--db-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--allow-unready", action="store_true")
    parser.add_argument("--wait-template", type=float, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    database_url = make_copy(args)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "lms.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-replay-" + "x" * 50, "DJANGO_ALLOWED_HOSTS": "localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DATABASE_URL": database_url, "REDIS_URL": REDIS_CACHE,
        "CELERY_BROKER_URL": REDIS_BROKER, "CELERY_TASK_ALWAYS_EAGER": "false", "EMAIL_URL": "dummymail://",
        "LMS_BENCH": "1", "DJANGO_TRUSTED_PROXY_COUNT": "1", "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_STATIC_ROOT": os.environ.get("REPLAY_STATIC_ROOT", "/tmp/lms-replay-static"),
    })
    os.environ.pop("DJANGO_DEBUG_TOOLBAR", None)
    import psycopg
    import redis

    for url in (REDIS_CACHE, REDIS_BROKER):
        redis.Redis.from_url(url).flushdb()
    from learners import pick_learners

    domain, password = load_constants()
    picker_args = SimpleNamespace(scenario="journey", users=args.journeys + args.warm, scorm_users=args.scorm,
                                  rush_window=10.0)
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        picked = pick_learners(conn, picker_args, domain, random.Random(args.seed), seconds_ahead=3600)
    accounts = picked["accounts"][:args.journeys + args.warm]
    if len(accounts) < args.journeys + args.warm:
        say(f"only {len(accounts)} accounts")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # production settings: hashed names from a manifest

    replay = Replay(args.profile, args.calls)
    # In a load run most pages a learner opens were opened by someone before (1,000 learners, 100 courses): the
    # shared content cache holds them. Here each learner first looks at the pages of the journey without changing
    # anything, not counted, so that the counted journeys meet the cache a long run would.
    for number, account in enumerate([] if args.no_look_around else accounts):
        replay.look_around(account, password, picked["catalogue_url"], number)
    for number, account in enumerate(accounts):
        replay.counting = number >= args.warm
        replay.journey(account, password, picked["catalogue_url"], number)
    replay.counting = True
    for number, account in enumerate(picked["scorm"]["accounts"] if args.scorm else []):
        replay.scorm(account, password, args.commits, number)
    for url in (REDIS_CACHE, REDIS_BROKER):
        redis.Redis.from_url(url).flushdb()
    replay.report(args.top)


class Replay:
    def __init__(self, profile: str, calls: bool = False):
        self.calls: dict[str, cProfile.Profile] | None = {} if calls else None
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.profile_step = profile
        self.profiler = cProfile.Profile() if profile else None
        self.counting = False
        self.handler = None

    def call(self, client, method, path, step, *, data=None, expect=200, content_type=None, headers=None):
        profiling = self.counting and self.profiler is not None and self.profile_step in ("all", step)
        kwargs = {"HTTP_X_FORWARDED_FOR": client.ip, "HTTP_HOST": "localhost"}
        if headers:
            kwargs.update(headers)
        counter = None
        if self.counting and self.calls is not None:
            counter = self.calls.setdefault(step, cProfile.Profile())
            counter.enable()
        started = time.process_time()
        if profiling:
            self.profiler.enable()
        if method == "GET":
            response = client.get(path, **kwargs)
        elif content_type:
            response = client.post(path, data=data, content_type=content_type, **kwargs)
        else:
            response = client.post(path, data=data or {}, **kwargs)
        if profiling:
            self.profiler.disable()
        spent = time.process_time() - started
        if counter is not None:
            counter.disable()
        if response.status_code != expect:
            raise SystemExit(f"{step}: {path} answered {response.status_code}, expected {expect} "
                             f"({response.get('Location', '')})")
        if self.counting:
            self.cpu[step].append(spent * 1000)
            value = response.headers.get("X-DB-Queries")
            if value and value.isdigit():
                self.queries[step].append(int(value))
        return response

    def client(self, number: int):
        from django.test import Client

        client = Client()
        if self.handler is None:
            self.handler = client.handler
        client.handler = self.handler  # one handler: its middleware is loaded once, as in a gunicorn worker
        client.ip = f"127.20.{(number >> 8) & 255}.{number & 255}"
        return client

    def log_in(self, client, email, password, prefix):
        page = self.call(client, "GET", "/accounts/login/", f"{prefix} log-in page").content.decode()
        self.call(client, "POST", "/accounts/login/", f"{prefix} log-in (POST)", expect=302,
                  data={"csrfmiddlewaretoken": csrf(page), "login": email, "password": password})

    def journey(self, a, password, catalogue_url, number):
        c = self.client(number)
        self.call(c, "GET", "/", "01 home (anonymous)")
        self.log_in(c, a["email"], password, "02")
        self.call(c, "GET", "/learning/", "04 dashboard")
        self.call(c, "GET", catalogue_url, "05 catalogue")
        self.call(c, "GET", a["course_url"], "06 course")
        lesson = self.call(c, "GET", a["lesson_url"], "07 lesson").content.decode()
        if f'action="/lessons/{a["lesson_id"]}/complete/"' in lesson:
            self.call(c, "POST", f"/lessons/{a['lesson_id']}/complete/", "08 lesson: mark studied (POST)", expect=302,
                      data={"csrfmiddlewaretoken": csrf(lesson), **({"next_url": a["next_id"]} if a.get("next_id")
                                                                    else {})})
        quiz = self.call(c, "GET", a["quiz_url"], "09 quiz page").content.decode()
        started = self.call(c, "POST", f"/quizzes/{a['quiz_id']}/start/", "10 quiz: start (POST)", expect=302,
                            data={"csrfmiddlewaretoken": csrf(quiz)})
        attempt = ATTEMPT_RE.search(started["Location"]).group(1)
        page = self.call(c, "GET", f"/attempts/{attempt}/", "11 quiz: attempt page").content.decode()
        self.call(c, "POST", f"/attempts/{attempt}/", "12 quiz: save answer (POST)", expect=302,
                  data={**answer(page), "go": "finish"})
        finish = self.call(c, "GET", f"/attempts/{attempt}/finish/", "13 quiz: finish page").content.decode()
        self.call(c, "POST", f"/attempts/{attempt}/submit/", "14 quiz: submit (POST)", expect=302,
                  data={"csrfmiddlewaretoken": csrf(finish)})
        self.call(c, "GET", f"/attempts/{attempt}/result/", "15 quiz: result")
        self.call(c, "GET", "/internships/", "16 internships")
        session = self.call(c, "GET", f"/internships/sessions/{a['session_id']}/", "17 internship session")
        self.call(c, "POST", f"/internships/sessions/{a['session_id']}/request/", "18 internship: request seat (POST)",
                  expect=302, data={"csrfmiddlewaretoken": csrf(session.content.decode())})
        mine = self.call(c, "GET", "/internships/my/", "19 my bookings").content.decode()
        self.call(c, "GET", f"/verify/{a['certificate_code']}/", "20 certificate verification")
        self.call(c, "POST", "/accounts/logout/", "21 log out (POST)", expect=302,
                  data={"csrfmiddlewaretoken": csrf(mine)})

    def look_around(self, a, password, catalogue_url, number):
        c = self.client(number)
        self.log_in(c, a["email"], password, "00")
        for path in ("/", "/learning/", catalogue_url, a["course_url"], a["lesson_url"], a["quiz_url"],
                     "/internships/", f"/internships/sessions/{a['session_id']}/", "/internships/my/",
                     f"/verify/{a['certificate_code']}/"):
            self.call(c, "GET", path, "00 looking around")
        c.logout()

    def scorm(self, a, password, commits, number):
        c = self.client(5000 + number)
        self.log_in(c, a["email"], password, "S0")
        config = scorm_config(self.call(c, "GET", a["lesson_url"], "S1 scorm: player page").content.decode())
        elements = dict(config["elements"])
        suspend = elements.get("cmi.suspend_data", "")
        rng = random.Random(number)
        for n in range(commits):
            suspend = grow_suspend(suspend, rng.randint(150, 400), rng)
            elements.update({"cmi.core.lesson_location": f"slide-{n}", "cmi.core.lesson_status": "incomplete",
                             "cmi.suspend_data": suspend, "cmi.core.session_time": scorm_time(30.0 * (n + 1)),
                             "cmi.core.exit": "suspend" if n == commits - 1 else "",
                             f"cmi.interactions.{n}.id": f"vopros-{n}", f"cmi.interactions.{n}.type": "choice",
                             f"cmi.interactions.{n}.student_response": "a",
                             f"cmi.interactions.{n}.result": "correct", f"cmi.interactions.{n}.weighting": "1",
                             f"cmi.interactions.{n}.time": "12:00:00"})
            body = json.dumps({"csrf": config["csrf"], "attempt": config["attempt"], "sco": config["sco"],
                               "session": config["session"], "elements": elements}, ensure_ascii=False)
            answer_ = self.call(c, "POST", config["commitUrl"], "S2 scorm: commit + interactions (POST)", data=body,
                                content_type="application/json", headers={"HTTP_X_CSRFTOKEN": config["csrf"]})
            result = json.loads(answer_.content)
            if result.get("result") is not True or result.get("errors"):
                raise SystemExit(f"commit refused: {result}")

    def report(self, top: int) -> None:
        calls = {step: pstats.Stats(profile).total_calls / len(self.cpu[step])
                 for step, profile in (self.calls or {}).items()}
        print("| step | requests | CPU ms median | CPU ms mean | SQL median | SQL max |"
              + (" calls per request |" if calls else ""))
        print("|---|---:|---:|---:|---:|---:|" + ("---:|" if calls else ""))
        total = count = 0.0
        for step in sorted(self.cpu):
            values = self.cpu[step]
            queries = self.queries.get(step) or [0]
            print(f"| {step} | {len(values)} | {statistics.median(values):.2f} | {statistics.fmean(values):.2f} | "
                  f"{statistics.median(queries):g} | {max(queries)} |"
                  + (f" {calls[step]:,.0f} |" if step in calls else ""))
            if not step.startswith(("S", "02 log-in (POST)")):
                total += sum(values)
                count += len(values)
        if count:
            print(f"\njourney requests other than the log-in POST: mean CPU {total / count:.2f} ms")
        if self.profiler is not None:
            stats = pstats.Stats(self.profiler)
            stats.sort_stats("tottime").print_stats(top)
            stats.sort_stats("cumulative").print_stats(top)
            stats.sort_stats("cumulative").print_stats(r"/(lms|courses|certificates|cms)/", top)  # ours only


def csrf(page: str) -> str:
    match = CSRF_RE.search(page)
    return match.group(1) if match else ""


def answer(page: str) -> dict:
    return quiz_answer(page, csrf(page))


if __name__ == "__main__":
    main()
