#!/usr/bin/env bash
# Runs the test suite. Without configuration: SQLite, eager tasks; the PostgreSQL/Celery tests and the browser
# tests run when their services are there. With CI=true a missing service fails the run instead of skipping.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=1 ./scripts/bootstrap.sh
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = "5" ]; then
  echo "No tests were collected." >&2
  exit 1
fi
exit "$status"
