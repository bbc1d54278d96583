"""Benchmark: rendering one certificate PDF (WeasyPrint, sample data) — median of many renders in one process.

    .venv/bin/python bench/certificate_render.py [--runs 30]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

import django  # noqa: E402

django.setup()

from certificates.pdf import render_pdf  # noqa: E402
from certificates.samples import sample_certificate_context  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    context = sample_certificate_context()
    render_pdf("certificates/pdf/base.html", context)  # the first render loads the fonts
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        render_pdf("certificates/pdf/base.html", context)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"one certificate: median {statistics.median(timings):.1f} ms, min {min(timings):.1f} ms "
          f"over {args.runs} renders")


if __name__ == "__main__":
    main()
