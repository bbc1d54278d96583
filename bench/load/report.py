"""The report: bench/results/load-<scenario>-<date>-i<instances>-u<users>.md, from locust's results and the samples."""

from __future__ import annotations

import datetime
import statistics
from pathlib import Path

from common import NGINX_PORT, RESULTS

TARGETS = {"journey": {"users": 1000, "p95_ms": 300}, "quiz-rush": {"users": 300, "p95_ms": 1000, "window": 10}}


def fmt(value, digits=0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def write_report(args, *, meta, sizes, picked, results, locust_rows, samples, window, after, pulse=()) -> Path:
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
        scorm_users = getattr(args, "scorm_users", 0) or 0
        lines += [
            f"| load | ramp {args.spawn_rate}/s to {args.users} learners"
            + (f" and {scorm_users} SCORM learners" if scorm_users else "")
            + f", then {meta['duration']} s measured at full load; think time {args.think_min}–{args.think_max} s "
            "after every request |",
            f"| journeys | {results['journeys_started']} started and {results['journeys_done']} finished during "
            f"the measured window{'; account pool exhausted' if results['pool_exhausted'] else ''} |",
        ]
        if scorm_users:
            scorm = picked["scorm"]
            lines.append(
                f"| SCORM learners | {scorm_users} beside the journey, accounts of their own (from {scorm['eligible']} "
                f"enrolled in a course with a SCORM lesson), spread over {scorm['lessons']} SCORM 1.2 lessons: each "
                f"logs in once, opens the player page, commits every {args.scorm_commit_every:g} s (suspend_data "
                "growing to about 4,000 characters, location, session time, an interaction now and then; the whole "
                "data model each time, as scorm-again sends it), and after 6–16 commits closes the lesson "
                "(exit = suspend) and reopens it: the page must give back the saved location and suspend_data |")
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

    if getattr(args, "scorm_users", 0):
        lines += scorm_summary(steps, seconds)

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
        commits = {n: s for n, s in steps.items() if n.startswith("S2 ")}
        if getattr(args, "scorm_users", 0):
            fixed = bool(commits) and all(s["queries_median"] == s["queries_max"] for s in commits.values())
            lines.append("| SCORM commit: a fixed number of queries (median = max) | " + "; ".join(
                f"{n[3:]}: {fmt(s['queries_median'])} / {fmt(s['queries_max'])}" for n, s in sorted(commits.items()))
                + f" | {'yes' if fixed else 'no'} |")
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

    lines += over_time(results, pulse, meta["cores"])

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


def over_time(results: dict, pulse, cores: int, target_ms: float = 300.0) -> list[str]:
    """Every step together in 10-second windows, beside the machine's CPU and the database's connections in the same
    seconds: a stall (nothing answered for a while, then everything late) reads differently from a CPU that is
    simply full."""
    timeline = results.get("timeline") or []
    if not timeline:
        return []
    started = results["started"]
    lines = ["", "## Over time", "",
             "All steps together, in 10 s windows from the start of measuring. Machine and database sampled once a "
             "second: CPU busy and disk wait in % of all cores; steal is time the hypervisor gave to other machines; "
             "the run's database connections running a statement (mean, max), and the most of them waiting for a "
             "lock or for I/O at one moment.", "",
             "| from s | requests/s | mean ms | p95 ms | max ms | CPU busy | disk wait | steal | DB running | "
             "lock waits | I/O waits | wait events |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    late = 0
    for window in timeline:
        start = started + window["from"]
        inside = [p for p in pulse if start <= p["t"] < start + 10]
        if (window["p95"] or 0) >= target_ms:
            late += 1

        def mean(key):
            return fmt(statistics.fmean(p[key] for p in inside)) if inside else "—"

        busy = fmt(statistics.fmean(100 - p["idle"] for p in inside)) if inside else "—"
        running = (f"{fmt(statistics.fmean(p['db_active'] for p in inside), 1)} / "
                   f"{max(p['db_active'] for p in inside)}") if inside else "—"
        waits = sorted({w for p in inside for w in p["db_waits"]})
        lines.append(
            f"| {fmt(window['from'])} | {fmt(window['requests'] / 10, 1)} | {fmt(window['mean'])} | "
            f"{fmt(window['p95'])} | {fmt(window['max'])} | {busy} | {mean('iowait')} | {mean('steal')} | {running} | "
            f"{max((p['db_lock'] for p in inside), default='—')} | {max((p['db_io'] for p in inside), default='—')} | "
            f"{', '.join(waits[:4]) or ''} |")
    lines += ["", f"Windows whose p95 (all steps) reached {fmt(target_ms)} ms: {late} of {len(timeline)}."]
    return lines


def scorm_summary(steps: dict, seconds: float) -> list[str]:
    """The SCORM learners in a few sentences: commits per second, their times and queries, the relaunches."""
    commits = {n: s for n, s in steps.items() if n.startswith("S2 ")}
    count = sum(s["requests"] for s in commits.values())
    failed = sum(s["failures"] for s in commits.values())
    player = steps.get("S1 scorm: player page", {})
    lines = ["## SCORM learners", "",
             f"{count} commits in {fmt(seconds)} s = **{fmt(count / seconds, 2)} commits/s**, {failed} failed "
             "(a failure: not HTTP 200, or not `\"result\": true`, or an element refused)."]
    for name, s in sorted(commits.items()):
        lines.append(f"- {name[3:]}: {s['requests']} requests, p50 {fmt(s['p50'])} ms, p95 {fmt(s['p95'])} ms, "
                     f"max {fmt(s['max'])} ms; SQL queries median {fmt(s['queries_median'])}, "
                     f"max {fmt(s['queries_max'])}.")
    if player:
        lines.append(f"- player page (opened and reopened): {player['requests']} requests, p50 {fmt(player['p50'])} ms, "
                     f"p95 {fmt(player['p95'])} ms, SQL median {fmt(player['queries_median'])}, max "
                     f"{fmt(player['queries_max'])}; {player['failures']} failed (a reopened page that did not give back "
                     "the saved location and suspend_data counts as failed).")
    return lines + [""]


def read_locust_csv(prefix: Path) -> dict:
    import csv

    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        return {}
    with open(stats, encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}
