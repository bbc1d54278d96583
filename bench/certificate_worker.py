"""Benchmark: 1000 certificates issued and rendered through a real Celery worker (prefork, 2 processes) on Redis
against PostgreSQL — wall time, each task's run time (medians), and the peak memory (RSS) of every worker process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench_certs \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/10 REDIS_URL=redis://127.0.0.1:6379/11 \
    .venv/bin/python bench/certificate_worker.py [--count 1000] [--concurrency 2] [--no-images]

What it does: creates the database if it is missing and migrates it; empties its certificates (the database must
be a dedicated one: its name must contain "bench"); prepares one course, a template with a logo and two signature
images, and `--count` people who completed the course (rows written directly: the setup is not measured); purges
the broker's default queue; starts `celery -A lms worker --pool=prefork --concurrency=2`; then sends one
`issue_course_certificate_task` per completion, as completions do, and waits until every certificate's PDF is
stored. Each issue task dispatches, on commit, the render task and the e-mail task (e-mail to a dummy backend).
Media (PDFs, images) go to a temporary folder, not the project's media.

Printed: the wall time from the first task sent to the last PDF stored; the median and 95th percentile of the
worker's own run time of each kind of task (from the worker's log: «succeeded in 0.041s»); the peak RSS (VmHWM)
of the main worker process and of each pool process; and a check that the registry is gapless.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

TARGET_MEDIAN_MS = 100
TARGET_WALL_S = 90
TASK_LINE = re.compile(r"Task (?P<name>[\w.]+)\[[0-9a-f-]+\] succeeded in (?P<seconds>[0-9.]+)s")


def fail(message: str) -> None:
    print(f"certificate_worker: {message}", file=sys.stderr)
    sys.exit(2)


def check_environment() -> None:
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")):
        fail("DATABASE_URL must point to PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/lms_bench_certs")
    name = urlsplit(database).path.lstrip("/")
    if "bench" not in name:
        fail(f"the database {name!r} is not a dedicated one: its name must contain 'bench' (its certificates "
             "are deleted)")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        fail("CELERY_BROKER_URL must point to Redis, e.g. redis://127.0.0.1:6379/10")


def ensure_database() -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created the database {name}")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=PROJECT_DIR, check=True)


def picture(size: tuple[int, int], colour, *, transparent: bool = False) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA" if transparent else "RGB", size, (255, 255, 255, 0) if transparent else "white")
    draw = ImageDraw.Draw(image)
    for offset in range(0, size[0], 12):  # something like a signature's strokes, not one flat colour
        draw.line((offset, size[1] * 3 // 4, offset + 40, size[1] // 4), fill=colour, width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def prepare(count: int, images: bool) -> list[int]:
    """The course, the template and `count` completed enrolments; returns the enrolments' ids."""
    from django.core.files.images import ImageFile
    from django.db import transaction
    from django.utils import timezone
    from wagtail.images import get_image_model
    from wagtail.models import Page, Site

    from certificates.models import Certificate, CertificateTemplate, RegistryCounter
    from certificates.services import template_design
    from cms.models import HomePage
    from courses.models import CoursePage, Enrolment, ProgrammePage
    from lms.accounts.models import User
    from lms.libraries.models import Library, Municipality

    with transaction.atomic():
        Certificate.objects.filter(replaced_by__isnull=False).update(replaced_by=None)
        Certificate.objects.all().delete()
        RegistryCounter.objects.all().delete()
        CertificateTemplate.objects.all().delete()
        # A previous run's images go in a transaction of their own: Wagtail deletes their files on commit, by
        # name, and the new images below have the same names.
        get_image_model().objects.filter(title__startswith="bench-").delete()

    with transaction.atomic():

        home = HomePage.objects.first()
        if home is None:
            home = HomePage(title="Главная", slug="bench-home")
            Page.get_first_root_node().add_child(instance=home)
            Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
        programme = ProgrammePage.objects.filter(slug="bench-programme").first()
        if programme is None:
            programme = ProgrammePage(title="Программа непрерывного образования специалистов библиотек Кемеровской "
                                            "области", slug="bench-programme")
            home.add_child(instance=programme)
        course = CoursePage.objects.filter(slug="bench-course").first()
        if course is None:
            course = CoursePage(title="Электронные ресурсы и сервисы в работе муниципальной библиотеки",
                                slug="bench-course", summary="Курс для замеров.", academic_hours=16)
            programme.add_child(instance=course)

        template = CertificateTemplate(name="Сертификат", kind=CertificateTemplate.Kind.CERTIFICATE, is_default=True,
                                       signatory_1_name="С. В. Петрова", signatory_1_position="Директор",
                                       signatory_2_name="А. Н. Кузнецов",
                                       signatory_2_position="Руководитель программы")
        if images:
            image_model = get_image_model()

            def image(title, data):
                return image_model.objects.create(title=title, file=ImageFile(io.BytesIO(data), name=f"{title}.png"))

            template.logo = image("bench-logo", picture((600, 300), (31, 58, 95)))
            template.signatory_1_signature = image("bench-signature-1", picture((500, 200), (20, 40, 160), transparent=True))
            template.signatory_2_signature = image("bench-signature-2", picture((500, 200), (20, 40, 160), transparent=True))
        template.save()
        template_design(template)  # the renditions are made once here, not raced for by the pool processes

        municipality, _ = Municipality.objects.get_or_create(name="Бенчмарк", defaults={"kind": "district"})
        library, _ = Library.objects.get_or_create(code="bench", defaults={
            "name": "МБУК «Централизованная библиотечная система»", "short_name": "ЦБС (замеры)",
            "municipality": municipality, "kind": Library.Kind.SYSTEM})
        surnames = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Соловьёва", "Долгих", "Шевченко", "Достоевский"]
        first = [("Мария", "Петровна"), ("Иван", "Сергеевич"), ("Анна", "Олеговна"), ("Пётр", "Ильич")]
        User.objects.bulk_create([
            User(email=f"bench-{i}@example.org", last_name=surnames[i % len(surnames)],
                 first_name=first[i % len(first)][0], patronymic=first[i % len(first)][1],
                 position="библиотекарь", library=library, password="!")
            for i in range(count)
        ], ignore_conflicts=True)
        people = list(User.objects.filter(email__startswith="bench-", email__endswith="@example.org")
                      .order_by("pk")[:count])
        Enrolment.objects.filter(course=course).delete()
        now = timezone.now()
        Enrolment.objects.bulk_create([
            Enrolment(user=person, course=course, source=Enrolment.Source.SELF, status=Enrolment.Status.COMPLETED,
                      created_at=now - timezone.timedelta(days=30), completed_at=now, progress_percent=100)
            for person in people
        ])
        return list(Enrolment.objects.filter(course=course).order_by("pk").values_list("pk", flat=True))


# --- the worker ----------------------------------------------------------------------------------------------------

def start_worker(concurrency: int, log_path: Path, env: dict) -> subprocess.Popen:
    celery = PROJECT_DIR / ".venv" / "bin" / "celery"
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    command += ["-A", "lms", "worker", "--pool=prefork", f"--concurrency={concurrency}", "-n", "bench-certs@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not re.search(r"\bready\.", log_path.read_text(errors="replace")):
        if process.poll() is not None or time.monotonic() > deadline:
            fail(f"the worker did not start; its log:\n{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def memory_kib(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS (now) of a process, in KiB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime and stime, fields 14 and 15


# --- the run -------------------------------------------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--no-images", action="store_true", help="a template without logo and signature images")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    check_environment()
    media = Path(tempfile.mkdtemp(prefix="lms-bench-media-"))
    os.environ["DJANGO_MEDIA_ROOT"] = str(media)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    ensure_database()

    import django

    django.setup()
    from django.db import connection

    from certificates.models import Certificate
    from certificates.tasks import issue_course_certificate_task
    from lms.celery import app

    print(f"preparing {args.count} completed enrolments …", flush=True)
    enrolment_ids = prepare(args.count, images=not args.no_images)
    connection.close()
    app.control.purge()  # nothing left from an interrupted run

    log_path = media / "worker.log"
    env = {**os.environ, "EMAIL_URL": "dummymail://", "PYTHONUNBUFFERED": "1", "DJANGO_LOG_LEVEL": "WARNING"}
    worker = start_worker(args.concurrency, log_path, env)
    peak: dict[int, int] = {}
    try:
        pool = children(worker.pid)
        print(f"worker {worker.pid} ready, pool processes {pool}; sending {len(enrolment_ids)} tasks …", flush=True)
        cpu_at_start = {pid: cpu_seconds(pid) for pid in [worker.pid, *pool]}
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        for enrolment_id in enrolment_ids:
            issue_course_certificate_task.delay(enrolment_id)
        sent = time.perf_counter() - started

        rendered, deadline = 0, time.monotonic() + args.timeout
        while rendered < len(enrolment_ids):
            for pid in [worker.pid, *children(worker.pid)]:
                peak[pid] = max(peak.get(pid, 0), memory_kib(pid).get("VmHWM", 0))
            if worker.poll() is not None:
                fail(f"the worker exited; its log:\n{log_path.read_text(errors='replace')[-3000:]}")
            if time.monotonic() > deadline:
                fail(f"only {rendered} of {len(enrolment_ids)} PDFs after {args.timeout:.0f} s")
            time.sleep(0.25)
            rendered = Certificate.objects.exclude(pdf="").count()
        wall = time.perf_counter() - started
        load_after = os.getloadavg()[0]

        # let the e-mail tasks finish too (not counted), then read the peaks once more
        expected_notices = len(enrolment_ids)
        while worker.poll() is None and time.monotonic() < deadline:
            notified = Certificate.objects.filter(notified_at__isnull=False).count()
            if notified >= expected_notices:
                break
            time.sleep(0.25)
        drained = time.perf_counter() - started
        for pid in [worker.pid, *children(worker.pid)]:
            peak[pid] = max(peak.get(pid, 0), memory_kib(pid).get("VmHWM", 0))
        pool = children(worker.pid)
        cpu = {pid: cpu_seconds(pid) - cpu_at_start.get(pid, 0.0) for pid in [worker.pid, *pool]}
    finally:
        stop_worker(worker)

    runtimes: dict[str, list[float]] = {}
    for match in TASK_LINE.finditer(log_path.read_text(errors="replace")):
        runtimes.setdefault(match["name"].rsplit(".", 1)[-1], []).append(float(match["seconds"]) * 1000)

    sequences = list(Certificate.objects.order_by("sequence").values_list("sequence", flat=True))
    gapless = sequences == list(range(1, len(enrolment_ids) + 1))
    pdf_sizes = [os.path.getsize(media / name) for name in Certificate.objects.values_list("pdf", flat=True)]

    render = runtimes.get("render_certificate_pdf_task", [])
    print()
    print(f"{len(enrolment_ids)} certificates through a Celery worker: prefork, concurrency {args.concurrency}, "
          f"Redis broker, PostgreSQL; template {'without' if args.no_images else 'with'} logo and signature images")
    print(f"  machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before the run and {load_after:.1f} "
          "at its end (other work on the machine slows every figure below)")
    print(f"  sending the {len(enrolment_ids)} issue tasks:     {sent:.2f} s")
    print(f"  wall time to the last PDF stored:  {wall:.1f} s  (target < {TARGET_WALL_S} s: "
          f"{'met' if wall < TARGET_WALL_S else 'NOT met'}); {wall / len(enrolment_ids) * 1000:.1f} ms per "
          f"certificate, {len(enrolment_ids) / wall:.1f} certificates/s")
    print(f"  with the e-mail tasks drained:     {drained:.1f} s")
    for name in ("issue_course_certificate_task", "render_certificate_pdf_task", "notify_certificate_issued_task"):
        values = runtimes.get(name, [])
        if values:
            print(f"  {name:<32} median {statistics.median(values):6.1f} ms, p95 {percentile(values, 0.95):6.1f} ms,"
                  f" max {max(values):7.1f} ms over {len(values)} runs")
    if render:
        median = statistics.median(render)
        print(f"  render median {median:.1f} ms per certificate (target <= {TARGET_MEDIAN_MS} ms: "
              f"{'met' if median <= TARGET_MEDIAN_MS else 'NOT met'})")
    total_cpu = sum(cpu.values())
    per_certificate = total_cpu / len(enrolment_ids) * 1000
    print(f"  CPU time of the worker's processes: {total_cpu:.1f} s (pool "
          f"{', '.join(f'{cpu[pid]:.1f} s' for pid in pool)}; main {cpu[worker.pid]:.1f} s) = {per_certificate:.1f} ms "
          f"per certificate for its three tasks; with {args.concurrency} CPUs to itself the worker would need about "
          f"{per_certificate / args.concurrency * len(enrolment_ids) / 1000:.0f} s for the {len(enrolment_ids)} "
          "(PostgreSQL's and Redis's share not counted)")
    for pid, kib in sorted(peak.items()):
        role = "main process" if pid == worker.pid else ("pool process" if pid in pool else "pool process (gone)")
        print(f"  peak RSS {role:<20} pid {pid}: {kib / 1024:.0f} MiB")
    print(f"  registry: {len(sequences)} numbers, {'gapless 1..' + str(len(sequences)) if gapless else 'GAPS'}; "
          f"PDF size median {statistics.median(pdf_sizes) / 1024:.0f} KiB")
    print(f"  (media and the worker's log are in {media})")


if __name__ == "__main__":
    main()
