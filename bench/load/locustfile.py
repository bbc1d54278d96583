"""Locust scenarios for the platform: a learner's journey, and a rush of learners starting one quiz.

Started by `bench/load/run.py`, which prepares a throwaway copy of the L dataset, the servers, and the JSON file
this module reads (`LMS_LOAD_DATA`): the learner accounts with what each of them will study, book and verify.

journey (one simulated learner = one real load account at a time, a fresh account for every journey):
    anonymous home -> log-in page -> log-in -> dashboard -> catalogue -> course -> lesson -> mark it studied ->
    quiz page -> start -> attempt page -> save an answer -> finish page -> submit -> result ->
    internships -> session -> request a seat -> my bookings -> certificate verification -> log out,
    with a think time (7.5-15 s by default) after every request: 1,000 learners make about 80-90 requests/s.

SCORM learners (beside the journey, `--scorm-users`): each logs in once, opens a SCORM lesson's player page and
    commits every 30 s, closing and reopening the lesson now and then (ScormLearner below).

quiz-rush: every learner logs in and opens the quiz page first (not part of the rush); when all are ready,
    each starts the same quiz at a random moment within the window (10 s): start, attempt page, save one answer.

Every request is checked: an unexpected status, a redirect to the wrong place (e.g. the log-in page), or a page
without what it must show counts as a failure. Each response's `X-DB-Queries` header (LMS_BENCH=1) and exact
response times are kept per step and written to `LMS_LOAD_OUT` (JSON) when the test stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import statistics
import time
from collections import defaultdict
from http.cookiejar import DefaultCookiePolicy

import gevent
from gevent.event import Event
from geventhttpclient import connectionpool
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser
from journey_pages import ATTEMPT_RE, CSRF_RE, quiz_answer
from scorm_commits import commit_problem, grow_suspend, scorm_config, scorm_time

DATA = json.loads(open(os.environ["LMS_LOAD_DATA"], encoding="utf-8").read())
OUT = os.environ.get("LMS_LOAD_OUT", "")
THINK_MIN, THINK_MAX = DATA.get("think", [7.5, 15.0])

LOGGED_IN_MARK = 'action="/accounts/logout/"'

_accounts = iter(DATA["accounts"])


class Recorder:
    """Exact response times, SQL query counts and failures per step, from the moment measuring starts."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.started = time.time()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.failures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.first_at: dict[str, float] = {}
        self.last_at: dict[str, float] = {}
        self.journeys_started = 0
        self.journeys_done = 0
        self.pool_exhausted = 0
        self.stamps: list[tuple[float, float, str]] = []  # (when it answered, response time ms, step)

    def add(self, name, response_time, response, exception):
        now = time.time()
        self.times[name].append(response_time)
        self.stamps.append((now, response_time, name))
        self.first_at.setdefault(name, now)
        self.last_at[name] = now
        if response is not None and getattr(response, "headers", None) is not None:
            value = response.headers.get("X-DB-Queries")
            if value is not None and str(value).isdigit():
                self.queries[name].append(int(value))
        if exception is not None:
            self.failures[name][str(exception)[:200]] += 1

    def timeline(self, pct, every: float = 10.0) -> list[dict]:
        """Every step together, in windows of `every` seconds from the start of measuring: how many answered, and
        how long they took (a stall shows as a window whose mean jumps while the requests answered drop)."""
        buckets: dict[int, list[float]] = defaultdict(list)
        for when, response_time, _name in self.stamps:
            buckets[int((when - self.started) // every)].append(response_time)
        return [{"from": n * every, "requests": len(values), "mean": statistics.fmean(values),
                 "p95": pct(values, 95), "max": max(values)} for n, values in sorted(buckets.items())]

    def dump(self, path):
        stopped = time.time()

        def pct(values, q):
            if not values:
                return None
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]

        steps = {}
        for name, values in self.times.items():
            queries = self.queries.get(name, [])
            steps[name] = {
                "requests": len(values),
                "failures": sum(self.failures[name].values()) if name in self.failures else 0,
                "p50": pct(values, 50), "p95": pct(values, 95), "p99": pct(values, 99), "max": max(values),
                "mean": statistics.fmean(values),
                "queries_median": statistics.median(queries) if queries else None,
                "queries_max": max(queries) if queries else None,
                "first_at": self.first_at.get(name), "last_at": self.last_at.get(name),
            }
        payload = {
            "started": self.started, "stopped": stopped, "steps": steps,
            "failures": {name: dict(messages) for name, messages in self.failures.items()},
            "journeys_started": self.journeys_started, "journeys_done": self.journeys_done,
            "pool_exhausted": self.pool_exhausted,
            "timeline": self.timeline(pct),
        }
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1)
        with open(path + ".stamps", "w", encoding="utf-8") as handle:  # every request, for a closer look
            json.dump([(round(w - self.started, 3), t, n) for w, t, n in self.stamps], handle, ensure_ascii=False)


RECORDER = Recorder()

# --- every simulated learner connects from its own address ----------------------------------------------------------
# Production is nginx -> gunicorn with DJANGO_TRUSTED_PROXY_COUNT=1: the app takes the client's address from the last
# X-Forwarded-For entry, the one nginx appends ($remote_addr), and ignores what a client writes there itself. So a
# learner "from another library" must reach nginx from another address: on Linux all of 127.0.0.0/8 is loopback, and
# each simulated learner binds its connections to its own 127.10.x.y. Rate limits (log-in 30/min, certificate checks
# 30/min per address) then see 1,000 addresses, as they would see 1,000 libraries.
_SOURCE_IPS: dict[int, str] = {}
_connect_socket = connectionpool.ConnectionPool._connect_socket


def _connect_from_learner_address(self, sock, address):
    source = _SOURCE_IPS.get(id(gevent.getcurrent()))
    if source:
        sock.bind((source, 0))
    return _connect_socket(self, sock, address)


connectionpool.ConnectionPool._connect_socket = _connect_from_learner_address
_slots = itertools.count(1)


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    RECORDER.add(name, response_time, response, exception)


@events.spawning_complete.add_listener
def _on_spawned(user_count, **kwargs):
    if DATA.get("reset_on_spawned"):
        RECORDER.reset()  # measure at full load only, as locust's --reset-stats does


@events.quitting.add_listener
def _on_quitting(environment, **kwargs):
    if OUT:
        RECORDER.dump(OUT)


class PlainHttpCookiePolicy(DefaultCookiePolicy):
    """Send the site's Secure cookies (session, CSRF) over the benchmark's plain HTTP, as a browser does over the
    TLS that nginx would terminate in production: DEBUG=false marks them Secure."""

    def return_ok_secure(self, cookie, request):
        return True


class Failed(Exception):
    """A step went wrong; the request is already counted as failed."""


class LearnerBase(FastHttpUser):
    abstract = True
    # Connections are reused by one simulated browser, as a browser keeps them alive.
    connection_timeout = 60.0
    network_timeout = 120.0

    def on_start(self):
        self.client.cookiejar.set_policy(PlainHttpCookiePolicy())
        self.account = None
        slot = next(_slots)  # one address per simulated learner's seat (a library's computer), kept for its life
        self.ip = f"127.10.{(slot >> 8) & 255}.{slot & 255}"
        _SOURCE_IPS[id(gevent.getcurrent())] = self.ip

    def take_account(self):
        account = next(_accounts, None)
        if account is None:
            return None
        self.account = account
        self.client.cookiejar.clear()
        return account

    def think(self):
        gevent.sleep(random.uniform(THINK_MIN, THINK_MAX))

    # --- one request, checked ---------------------------------------------------------------------------------
    def call(self, method, path, name, *, data=None, expect=200, location=None, not_location=None,
             contains=None, logged_in=None, check=None, headers=None, referer=None):
        """Send one request without following redirects, and check it. Returns the response or raises Failed.
        `check(text)` may name one more problem of a 200 answer (or return None)."""
        headers = dict(headers or {})
        if data is not None:
            headers["Referer"] = self.host.rstrip("/") + (referer or path)
        with self.client.request(method, path, name=name, data=data, headers=headers, catch_response=True,
                                 allow_redirects=False) as response:
            problem = None
            status = response.status_code
            text = (response.text or "") if status == 200 else ""
            where = response.headers.get("Location") or ""
            if status != expect:
                problem = f"HTTP {status}, expected {expect}" + (f" (to {where[:80]})" if where else "")
            elif expect in (301, 302, 303) and location and not re.search(location, where):
                problem = f"redirected to {where[:80]}, expected {location}"
            elif expect in (301, 302, 303) and not_location and re.search(not_location, where):
                problem = f"redirected to {where[:80]}"
            elif contains and contains not in text:
                problem = f"page without {contains[:40]!r}"
            elif logged_in is True and LOGGED_IN_MARK not in text:
                problem = "not logged in"
            elif logged_in is False and LOGGED_IN_MARK in text:
                problem = "still logged in"
            elif check is not None:
                problem = check(text)
            if problem:
                response.failure(problem)
                raise Failed(problem)
            response.success()
            response.location = where
            response.page = text
            return response

    def csrf(self, page):
        match = CSRF_RE.search(page or "")
        if match:
            return match.group(1)
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def log_in(self, prefix):
        page = self.call("GET", "/accounts/login/", f"{prefix} log-in page", contains="csrfmiddlewaretoken").page
        if prefix.startswith("02"):
            self.think()
            prefix = "03"
        response = self.call("POST", "/accounts/login/", f"{prefix} log-in (POST)", expect=302,
                             not_location=r"/accounts/(login|confirm-email)",
                             data={"csrfmiddlewaretoken": self.csrf(page), "login": self.account["email"],
                                   "password": DATA["password"]})
        return response


class JourneyLearner(LearnerBase):
    """One learner's visit, modelled on Moodle's load-test journey; then the next learner takes the seat."""

    wait_time = between(0, 0)  # the think time is inside the journey, after every request

    @task
    def journey(self):
        account = self.take_account()
        if account is None:
            RECORDER.pool_exhausted += 1
            raise StopUser()
        RECORDER.journeys_started += 1
        try:
            self.run_journey(account)
            RECORDER.journeys_done += 1
        except Failed:
            self.think()  # a learner who met an error goes away; the next one comes after a pause

    def run_journey(self, a):
        self.call("GET", "/", "01 home (anonymous)", logged_in=False)
        self.think()
        self.log_in("02")
        self.think()
        self.call("GET", "/learning/", "04 dashboard", logged_in=True)
        self.think()
        self.call("GET", DATA["catalogue_url"], "05 catalogue", logged_in=True)
        self.think()
        self.call("GET", a["course_url"], "06 course", logged_in=True)
        self.think()
        lesson = self.call("GET", a["lesson_url"], "07 lesson", logged_in=True).page
        self.think()
        if f'action="/lessons/{a["lesson_id"]}/complete/"' in lesson:
            self.call("POST", f"/lessons/{a['lesson_id']}/complete/", "08 lesson: mark studied (POST)",
                      expect=302, not_location=re.escape(a["lesson_url"]) + "$|/accounts/login",
                      data={"csrfmiddlewaretoken": self.csrf(lesson),
                            **({"next_url": a["next_id"]} if a.get("next_id") else {})})
            self.think()
        quiz = self.call("GET", a["quiz_url"], "09 quiz page", logged_in=True,
                         contains=f'action="/quizzes/{a["quiz_id"]}/start/"').page
        self.think()
        started = self.call("POST", f"/quizzes/{a['quiz_id']}/start/", "10 quiz: start (POST)", expect=302,
                            location=r"/attempts/\d+/$", data={"csrfmiddlewaretoken": self.csrf(quiz)})
        attempt_id = ATTEMPT_RE.search(started.location).group(1)
        self.think()
        page = self.call("GET", f"/attempts/{attempt_id}/", "11 quiz: attempt page", logged_in=True,
                         contains='name="sequence"').page
        self.think()
        self.call("POST", f"/attempts/{attempt_id}/", "12 quiz: save answer (POST)", expect=302,
                  location=rf"/attempts/{attempt_id}/finish/$", data={**self.answer(page), "go": "finish"})
        self.think()
        finish = self.call("GET", f"/attempts/{attempt_id}/finish/", "13 quiz: finish page", logged_in=True,
                           contains=f'action="/attempts/{attempt_id}/submit/"').page
        self.think()
        self.call("POST", f"/attempts/{attempt_id}/submit/", "14 quiz: submit (POST)", expect=302,
                  location=rf"/attempts/{attempt_id}/result/$", data={"csrfmiddlewaretoken": self.csrf(finish)})
        self.think()
        self.call("GET", f"/attempts/{attempt_id}/result/", "15 quiz: result", logged_in=True)
        self.think()
        self.call("GET", "/internships/", "16 internships", logged_in=True)
        self.think()
        session = self.call("GET", f"/internships/sessions/{a['session_id']}/", "17 internship session",
                            logged_in=True, contains=f'action="/internships/sessions/{a["session_id"]}/request/"').page
        self.think()
        self.call("POST", f"/internships/sessions/{a['session_id']}/request/", "18 internship: request seat (POST)",
                  expect=302, location=r"/internships/my/$", data={"csrfmiddlewaretoken": self.csrf(session)})
        self.think()
        mine = self.call("GET", "/internships/my/", "19 my bookings", logged_in=True).page
        self.think()
        self.call("GET", f"/verify/{a['certificate_code']}/", "20 certificate verification",
                  contains=a["certificate_number"])
        self.think()
        self.call("POST", "/accounts/logout/", "21 log out (POST)", expect=302,
                  data={"csrfmiddlewaretoken": self.csrf(mine)})

    def answer(self, page):
        return quiz_answer(page, self.csrf(page))


# --- quiz rush -----------------------------------------------------------------------------------------------------

RUSH = DATA.get("rush") or {}
_ready = Event()
_state = {"ready": 0, "done": 0, "go_at": 0.0}


def _count_ready(environment):
    _state["ready"] += 1
    if _state["ready"] >= RUSH.get("users", 0):
        _state["go_at"] = time.time() + 1.0
        _ready.set()


def _count_done(environment):
    _state["done"] += 1
    if _state["done"] >= RUSH.get("users", 0):
        gevent.spawn_later(2, environment.runner.quit)


class RushLearner(LearnerBase):
    """Logs in and opens the quiz, waits for everyone, then starts within the window and saves one answer."""

    wait_time = between(0, 0)

    @task
    def rush(self):
        account = self.take_account()
        if account is None:
            raise StopUser()
        try:
            self.log_in("R0")
            quiz = self.call("GET", RUSH["quiz_url"], "R0 quiz page (before the rush)", logged_in=True,
                             contains=f'action="/quizzes/{RUSH["quiz_id"]}/start/"').page
        except Failed:
            quiz = None
        _count_ready(self.environment)
        # Wait for all the others (or give up after the login phase's time limit), then start within the window.
        _ready.wait(timeout=RUSH.get("ready_timeout", 600))
        if not _ready.is_set():
            _state["go_at"] = _state["go_at"] or time.time()
            _ready.set()
        try:
            if quiz is None:
                raise Failed("not ready")
            gevent.sleep(max(0.0, _state["go_at"] - time.time()) + random.uniform(0, RUSH.get("window", 10)))
            started = self.call("POST", f"/quizzes/{RUSH['quiz_id']}/start/", "R1 quiz: start (POST)", expect=302,
                                location=r"/attempts/\d+/$", data={"csrfmiddlewaretoken": self.csrf(quiz)})
            attempt_id = ATTEMPT_RE.search(started.location).group(1)
            page = self.call("GET", f"/attempts/{attempt_id}/", "R2 quiz: attempt page", logged_in=True,
                             contains='name="sequence"').page
            gevent.sleep(random.uniform(*RUSH.get("answer_think", [1.0, 3.0])))
            self.call("POST", f"/attempts/{attempt_id}/", "R3 quiz: save answer (POST)", expect=302,
                      location=rf"/attempts/{attempt_id}/\?page=", data={**JourneyLearner.answer(self, page),
                                                                        "go": "1"})
        except Failed:
            pass
        finally:
            _count_done(self.environment)
        while True:
            gevent.sleep(3600)


# --- SCORM learners beside the journey --------------------------------------------------------------------------

SCORM = DATA.get("scorm") or {}
_scorm_accounts = iter(SCORM.get("accounts", []))
class ScormLearner(LearnerBase):
    """A learner in a SCORM lesson (a course's SCORM 1.2 lesson) beside the journey: logs in once, opens the player
    page, and the SCO commits every 30 s (as the player's autocommit does) what it has: a lesson location, a growing
    suspend_data (to about 4,000 characters), the session's running time, and now and then one more interaction;
    like scorm-again, every commit sends the whole data model, so the session's interactions travel with every
    later commit. After a few minutes the learner closes the lesson (exit = suspend), pauses and opens it again: the
    player page must give back where the learner stopped. Runs until the test ends."""

    fixed_count = SCORM.get("users", 0)  # the journey learners are the rest of locust's -u
    wait_time = between(0, 0)

    def on_start(self):
        super().on_start()
        self.account = next(_scorm_accounts, None)
        self.saved = None  # (lesson_location, suspend_data) of the last accepted commit
        self.suspend = ""
        self.slide = 0
        self.logged_in = False

    @task
    def study(self):
        a = self.account
        if a is None:
            raise StopUser()
        try:
            if not self.logged_in:
                self.client.cookiejar.clear()
                self.log_in("S0")
                self.logged_in = True
                self.think()
            self.session(a)
        except Failed:
            self.logged_in = False  # start again from the log-in, after a pause
            self.saved = None  # a commit that failed may have been saved or not: no resume check next time
        self.think()

    def resumed(self, config) -> str | None:
        if config is None or not config.get("commitUrl"):
            return "no player settings (scorm-config) with a commit address"
        if self.saved is not None:
            elements = config.get("elements") or {}
            got = (elements.get("cmi.core.lesson_location"), elements.get("cmi.suspend_data"))
            if got != self.saved or elements.get("cmi.core.entry") != "resume":
                return "not resumed: the saved location or suspend_data did not come back"
        return None

    def session(self, a):
        page = self.call("GET", a["lesson_url"], "S1 scorm: player page", logged_in=True,
                         contains='id="scorm-config"', check=lambda text: self.resumed(scorm_config(text))).page
        config = scorm_config(page)
        elements = dict(config["elements"])
        self.suspend = elements.get("cmi.suspend_data", "")
        launched = time.monotonic()
        commit_every = SCORM.get("commit_every", 30)
        interactions = 0
        commits = random.randint(6, 16)  # a sitting of 3-8 minutes
        gevent.sleep(random.uniform(2, commit_every))  # the SCO loads; the first commit comes within the period
        for number in range(1, commits + 1):
            self.slide += 1
            grow = random.randint(150, 400)
            self.suspend = grow_suspend(self.suspend, grow)
            elements.update({"cmi.core.lesson_location": f"slide-{self.slide}",
                             "cmi.core.lesson_status": "incomplete", "cmi.suspend_data": self.suspend,
                             "cmi.core.session_time": scorm_time(time.monotonic() - launched),
                             "cmi.core.exit": "suspend" if number == commits else ""})
            if random.random() < 0.3:  # one more question answered
                n = interactions
                elements.update({f"cmi.interactions.{n}.id": f"vopros-{self.slide}",
                                 f"cmi.interactions.{n}.type": "choice",
                                 f"cmi.interactions.{n}.student_response": random.choice("abcd"),
                                 f"cmi.interactions.{n}.result": random.choice(["correct", "wrong"]),
                                 f"cmi.interactions.{n}.weighting": "1",
                                 f"cmi.interactions.{n}.time": time.strftime("%H:%M:%S")})
                interactions += 1
            body = json.dumps({"csrf": config["csrf"], "attempt": config["attempt"], "sco": config["sco"],
                               "session": config["session"], "elements": elements}, ensure_ascii=False)
            # The server does one more statement (the interactions' upsert) when a commit carries interactions,
            # whatever their number: the two kinds are counted apart, so each shows its own fixed count.
            name = "S2 scorm: commit + interactions (POST)" if interactions else "S2 scorm: commit (POST)"
            self.call("POST", config["commitUrl"], name, data=body.encode("utf-8"), referer=a["lesson_url"],
                      headers={"Content-Type": "application/json", "X-CSRFToken": config["csrf"]},
                      check=commit_problem)
            self.saved = (elements["cmi.core.lesson_location"], self.suspend)
            if number < commits:
                gevent.sleep(commit_every)


# run.py picks the classes on locust's command line (JourneyLearner [ScormLearner], or RushLearner).
