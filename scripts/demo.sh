#!/usr/bin/env bash
# Sets everything up and brings the demo site up on http://127.0.0.1:8000 (SQLite, tasks run eagerly,
# e-mail printed to this console). Idempotent: run it again to restart the site.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
export DJANGO_DEBUG=true
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo
echo
echo "Сайт: http://127.0.0.1:8000/   Администрирование: http://127.0.0.1:8000/admin/"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
