#!/usr/bin/env bash
# Runs the test suite. Without configuration: SQLite, eager tasks; the PostgreSQL/Celery tests and the browser
# tests run when their services are there. With CI=true a missing service fails the run instead of skipping.
# Extra arguments go to pytest.
#
# In parallel: one worker process per CPU (pytest-xdist; TEST_WORKERS=N sets the number, TEST_WORKERS=0 runs in
# this process), each with its own test database, cache key prefix and media folder (tests/conftest.py); the tests
# of an `xdist_group` (those that share the Celery worker) run on one worker. The 15 slowest tests are listed.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=1 ./scripts/bootstrap.sh
set +e
.venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadgroup --durations=15 "$@"
status=$?
set -e
if [ "$status" = "5" ]; then
  echo "No tests were collected." >&2
  exit 1
fi
exit "$status"
