"""Benchmark: grading a 50-question attempt (pure grading, no database) — median of many runs.

    .venv/bin/python bench/quiz_grading.py [--runs 200]

Prints the median and the 95th percentile in milliseconds. Figures are for comparison within one run on one
machine (see docs/benchmarks.md), not targets asserted by tests.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courses.quizzes.grading import attempt_score, grade  # noqa: E402


def make_attempt(size: int = 50) -> list[tuple[dict, object]]:
    random.seed(42)
    items = []
    for number in range(size):
        kind = number % 5
        if kind == 0:
            question = {"type": "multichoice", "single": True,
                        "answers": [{"text": f"Вариант {i}", "fraction": 1.0 if i == 2 else 0.0} for i in range(4)]}
            response = random.randrange(4)
        elif kind == 1:
            question = {"type": "multichoice", "single": False,
                        "answers": [{"text": f"Вариант {i}", "fraction": f} for i, f in
                                    enumerate((0.5, 0.5, -0.5, -0.5))]}
            response = random.sample(range(4), 2)
        elif kind == 2:
            question = {"type": "shortanswer", "answers": [{"text": "Кемерово", "fraction": 1.0},
                                                           {"text": "Щегл*", "fraction": 0.5}]}
            response = random.choice(["кемерово", "Щегловск", "Томск"])
        elif kind == 3:
            question = {"type": "numerical", "answers": [{"value": 1932.0, "tolerance": 0.0, "fraction": 1.0}]}
            response = random.choice(["1932", "1 932", "1931,5"])
        else:
            question = {"type": "matching", "pairs": [{"question": f"Л{i}", "answer": f"П{i}"} for i in range(4)]}
            response = {i: f"П{random.randrange(4)}" for i in range(4)}
        items.append((question, response))
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    attempt = make_attempt()
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        attempt_score([(grade(question, response).fraction, 1.0) for question, response in attempt])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"grading a 50-question attempt: median {statistics.median(timings):.3f} ms, "
          f"p95 {timings[int(len(timings) * 0.95) - 1]:.3f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
