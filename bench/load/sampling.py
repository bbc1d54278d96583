"""CPU and memory of every process group, sampled while locust runs."""

from __future__ import annotations

import os
import threading
import time


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


class Pulse(threading.Thread):
    """Once a second: where the machine's CPU time went (busy, waiting for the disk, taken by the hypervisor) and what
    the run's database connections were doing (running, waiting for a lock, waiting for I/O). With the response times
    per window (the locustfile's timeline) it tells a stall of the server from plain saturation of the CPU."""

    def __init__(self, database_url: str, database: str, every: float = 1.0):
        super().__init__(daemon=True)
        import psutil

        self.psutil, self.database_url, self.database, self.every = psutil, database_url, database, every
        self.samples: list[dict] = []
        self.stop_event = threading.Event()

    def run(self):
        import psycopg

        psutil = self.psutil
        psutil.cpu_times_percent()
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            while not self.stop_event.wait(self.every):
                times = psutil.cpu_times_percent()
                rows = conn.execute(
                    "SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, '') FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                    [self.database]).fetchall()
                active = [r for r in rows if r[0] == "active"]
                self.samples.append({
                    "t": time.time(), "idle": times.idle, "iowait": getattr(times, "iowait", 0.0),
                    "steal": getattr(times, "steal", 0.0),
                    "db_active": len(active),
                    "db_lock": sum(1 for r in active if r[1] == "Lock"),
                    "db_io": sum(1 for r in active if r[1] in ("IO", "LWLock")),
                    "db_idle_in_tx": sum(1 for r in rows if r[0] and r[0].startswith("idle in transaction")),
                    "db_waits": sorted({f"{r[1]}:{r[2]}" for r in active if r[1] and r[1] != "Client"}),
                })

    def stop(self):
        self.stop_event.set()
        self.join(timeout=10)
