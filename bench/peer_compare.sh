#!/usr/bin/env bash
# Our course and lesson pages against the peer LMS (wagtail-lms 0.11.1), in one wrk run, same settings.
#
#   bench/peer_compare.sh [WORK_DIR]          (from anywhere; WORK_DIR default /tmp/peerbench, or env WORK)
#
# What it does, in order:
#   1. wrk and curl: installed through apt when missing and run as root, otherwise it names them and stops.
#   2. Our site: checks that DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lms_load_l) holds the
#      `manage.py seed_load` data (refuses otherwise, saying how to make it), collects static files into
#      $WORK/ours_static (again only when a static file changed), and bench/probe_ours.py picks the pages, logs learner@load.kuzbass-lms.ru in (a
#      database session: the cookie for wrk) and counts SQL / times 50 in-process requests per page.
#   3. The peer: creates PEER_DATABASE_URL's database when missing (default .../peerbench, PostgreSQL like
#      ours) and builds it with ../shared/bench/peer/setup_peer.sh $WORK (idempotent, ~10 s when built).
#   4. Our gunicorn (WORKERS sync workers, default 2 as the peer's) on a free loopback port, production-like:
#      DJANGO_DEBUG=false, a bench secret key, DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,
#      DJANGO_SECURE_SSL_REDIRECT=false (no TLS proxy here), ManifestStaticFilesStorage over the collected files,
#      REDIS_URL (default redis://127.0.0.1:6379/9) for the cache and the anonymous page cache, LMS_BENCH=1 (the
#      bare view /bench/floor/ and the X-DB-Queries header). Every target is checked first: HTTP 200, anonymous
#      rows sent without any cookie, learner rows not served from the anonymous page cache.
#   5. ../shared/bench/peer/run_peer.sh $WORK with EXTRA_TARGETS=$WORK/ours_targets.tsv: the peer's floor,
#      course and lesson pages, then ours (floor, catalogue and course page anonymous, course and lesson page of
#      the logged-in learner), same wrk settings. Our gunicorn is stopped by its PID (also on error or ^C).
#   6. The table plus the ratios (ours ÷ peer for the learner's pages; our floor ÷ our anonymous pages) to stdout
#      and bench/results/peer_compare.md (RESULT_FILE to change).
#
# Knobs (passed through to run_peer.sh): DURATION (15 s per page), WARMUP (3 s), CONC (8), THREADS (1), WORKERS (2).
# ~3 minutes at the defaults once the peer is built. Needs PostgreSQL and Redis running; touches only Redis db 9
# (by default), the peer's database, one session row in ours, and the learner's last_activity_at (each lesson view
# sets it, as a real visit does). For a quiet final run: nothing else busy on the machine, then run it twice and
# keep the second (the first one warms PostgreSQL's buffers and the OS page cache).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEER=$(cd "$ROOT/../shared/bench/peer" 2>/dev/null && pwd) \
  || { echo "peer_compare: ../shared/bench/peer not found next to $ROOT" >&2; exit 1; }
WORK=${1:-${WORK:-/tmp/peerbench}}; mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd)
OURS_DB=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lms_load_l}
PEER_DB=${PEER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/peerbench}
OURS_REDIS=${REDIS_URL:-redis://127.0.0.1:6379/9}
WORKERS=${WORKERS:-2}
RESULT_FILE=${RESULT_FILE:-$ROOT/bench/results/peer_compare.md}
PY=$ROOT/.venv/bin/python
t0=$SECONDS
log() { printf '[peer_compare %3ds] %s\n' $((SECONDS - t0)) "$*" >&2; }
die() { printf 'peer_compare: %s\n' "$*" >&2; exit 1; }

# 1. tools
missing=()
for tool in wrk curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run \`sudo apt-get install -y ${missing[*]}\` (or run this as root)"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } \
    || die "apt-get install ${missing[*]} failed"
fi
[ -x "$PY" ] || die "no virtual environment at $ROOT/.venv: run ./scripts/demo.sh (or scripts/test.sh) once"
[ -x "$ROOT/.venv/bin/gunicorn" ] || die "gunicorn missing in .venv: .venv/bin/pip install -e $ROOT"

# 2. our side: environment of both the probe and the server (never exported: the peer's processes must not see it)
OURS_ENV=(
  DJANGO_SETTINGS_MODULE=lms.settings
  DJANGO_DEBUG=false
  DJANGO_SECRET_KEY=peer-compare-bench-key-not-a-secret-3f9a1c7e52b84d06a1e2c3b4d5e6f708
  DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
  DJANGO_SECURE_SSL_REDIRECT=false
  DJANGO_STATIC_ROOT="$WORK/ours_static"
  DJANGO_LOG_LEVEL=WARNING
  DATABASE_URL="$OURS_DB"
  REDIS_URL="$OURS_REDIS"
  CELERY_BROKER_URL= CELERY_TASK_ALWAYS_EAGER=true
  LMS_BENCH=1
)
ours() { env "${OURS_ENV[@]}" "$@"; }
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT

(cd "$ROOT" && ours PROBE_CHECK_ONLY=1 "$PY" bench/probe_ours.py "$BASE") \
  || die "our database (DATABASE_URL=$OURS_DB) is not ready: see above"
# collectstatic (~25 s with compression) only when a static file is newer than the last run's manifest
manifest=$WORK/ours_static/staticfiles.json
if [ ! -f "$manifest" ] || [ -n "$(find "$ROOT" -path "$ROOT/node_modules" -prune -o -path '*/static/*' -type f \
     -newer "$manifest" -print -quit)" ]; then
  log "ours: collectstatic -> $WORK/ours_static"
  (cd "$ROOT" && ours "$PY" manage.py collectstatic --noinput -v 0) >"$WORK/ours_collectstatic.log" 2>&1 \
    || { tail -20 "$WORK/ours_collectstatic.log" >&2; die "collectstatic failed"; }
else
  log "ours: static files in $WORK/ours_static are up to date"
fi
log "ours: probe (DB ${OURS_DB##*/}, SQL counts, 50 in-process requests per page)"
(cd "$ROOT" && ours "$PY" bench/probe_ours.py "$BASE") >"$WORK/ours_targets.tsv" \
  || die "bench/probe_ours.py failed (see above)"

# 3. the peer, on PostgreSQL like ours
log "peer: database ${PEER_DB##*/}"
"$PY" - "$PEER_DB" <<'PYEOF' || die "cannot create the peer's database"
import sys
from urllib.parse import unquote, urlparse

import psycopg
from psycopg import sql

u = urlparse(sys.argv[1])
name = u.path.lstrip("/")
with psycopg.connect(host=u.hostname, port=u.port or 5432, user=unquote(u.username or ""),
                     password=unquote(u.password or ""), dbname="postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created database {name}", file=sys.stderr)
PYEOF
log "peer: setup_peer.sh $WORK"
DATABASE_URL=$PEER_DB "$PEER/setup_peer.sh" "$WORK" >"$WORK/ours_setup_peer.log" 2>&1 \
  || { tail -20 "$WORK/ours_setup_peer.log" >&2; die "setup_peer.sh failed"; }

# 4. our gunicorn; only this PID is stopped
log "ours: gunicorn $WORKERS sync workers on $BASE"
(cd "$ROOT" && exec env "${OURS_ENV[@]}" "$ROOT/.venv/bin/gunicorn" lms.wsgi:application --workers "$WORKERS" \
  --bind "127.0.0.1:$PORT" --log-level warning) >"$WORK/ours_gunicorn.log" 2>&1 &
GPID=$!
trap 'kill "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
for _ in $(seq 150); do curl -fso /dev/null "$BASE/bench/floor/" && break; sleep 0.2; done
curl -fso /dev/null "$BASE/bench/floor/" || { cat "$WORK/ours_gunicorn.log" >&2; die "our gunicorn did not come up"; }

# every target: 200; anonymous rows really anonymous; learner rows not the stored anonymous page
bad=0
while IFS=$'\t' read -r label url cookie _; do
  hdr=(); [ "$cookie" = - ] || hdr=(-H "Cookie: $cookie")
  head=$(curl -s -D - -o "$WORK/ours_body.html" "${hdr[@]}" "$url" | tr -d '\r')
  code=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' <<<"$head")
  cache=$(sed -n 's/^[Xx]-[Pp]age-[Cc]ache: *//p' <<<"$head"); queries=$(sed -n 's/^[Xx]-[Dd][Bb]-[Qq]ueries: *//p' <<<"$head")
  logged_in=no; grep -q 'account/logout\|accounts/logout' "$WORK/ours_body.html" && logged_in=yes
  log "check: $label -> HTTP $code, page cache ${cache:-none}, ${queries:-?} queries, logged-in shell: $logged_in"
  [ "$code" = 200 ] || { log "  expected 200"; bad=1; }
  if [ "$cookie" = - ]; then
    [ "$logged_in" = no ] || { log "  an anonymous request was served a logged-in page"; bad=1; }
  else
    [ -z "$cache" ] && [ "$logged_in" = yes ] || { log "  the learner was not served their own page"; bad=1; }
  fi
done <"$WORK/ours_targets.tsv"
[ "$bad" = 0 ] || die "target check failed (our server log: $WORK/ours_gunicorn.log)"

# 5. the run: peer rows, then ours, same wrk settings
log "run_peer.sh $WORK (DURATION=${DURATION:-15}s WARMUP=${WARMUP:-3}s per page, CONC=${CONC:-8}): ~$(( 9 * (${DURATION:-15} + ${WARMUP:-3}) ))s"
RAW=$WORK/ours_combined.md
env -u DATABASE_URL -u REDIS_URL EXTRA_TARGETS="$WORK/ours_targets.tsv" WORKERS="$WORKERS" \
  "$PEER/run_peer.sh" "$WORK" >"$RAW.tmp" || { cat "$RAW.tmp"; die "run_peer.sh failed"; }
grep -v '^(written to ' "$RAW.tmp" >"$RAW"; rm -f "$RAW.tmp"
kill "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true

# 6. the table and the ratios
rps() {  # first row whose label starts with $1: its req/s (7th '|' field)
  awk -F'|' -v want="$1" '{l=$2; gsub(/^ +| +$/, "", l)} index(l, want) == 1 {r=$7; gsub(/ /, "", r); print r; exit}' "$RAW"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a > 0 && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
verdict() { awk -v x="$1" -v t="$2" -v dir="$3" 'BEGIN{ if (x == "n/a") print "no figure";
  else if ((dir == ">=" && x + 0 >= t) || (dir == "<=" && x + 0 <= t)) print "met"; else print "not met" }'; }
p_course=$(rps "course page, learner"); p_lesson=$(rps "lesson page, learner")
o_floor=$(rps "ours floor"); o_cat=$(rps "ours catalogue, anonymous"); o_canon=$(rps "ours course page, anonymous")
o_course=$(rps "ours course page, learner"); o_lesson=$(rps "ours lesson page, learner")
r_course=$(ratio "$o_course" "$p_course"); r_lesson=$(ratio "$o_lesson" "$p_lesson")
f_cat=$(ratio "$o_floor" "$o_cat"); f_canon=$(ratio "$o_floor" "$o_canon")
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit + uncommitted changes"
mkdir -p "$(dirname "$RESULT_FILE")"
{
  cat "$RAW"
  echo
  echo "Ours (rows «ours …»): this project at $commit, gunicorn $WORKERS sync workers, DJANGO_DEBUG=false,"
  echo "PostgreSQL \`${OURS_DB##*/}\` (\`manage.py seed_load --size L\`), cache and anonymous page cache in Redis"
  echo "(\`${OURS_REDIS}\`), LMS_BENCH=1; learner learner@load.kuzbass-lms.ru; SQL and in-proc ms by bench/probe_ours.py."
  echo "Made by \`bench/peer_compare.sh\`."
  echo
  echo "| target | figure | goal | |"
  echo "|---|---|---|---|"
  echo "| ours ÷ peer, course page, learner (req/s) | $o_course ÷ $p_course = **${r_course}×** | ≥ 2.5× | $(verdict "$r_course" 2.5 '>=') |"
  echo "| ours ÷ peer, lesson page, learner (req/s) | $o_lesson ÷ $p_lesson = **${r_lesson}×** | ≥ 2.5× | $(verdict "$r_lesson" 2.5 '>=') |"
  echo "| our floor ÷ our catalogue, anonymous (req/s) | $o_floor ÷ $o_cat = **${f_cat}×** | ≤ 3× | $(verdict "$f_cat" 3 '<=') |"
  echo "| our floor ÷ our course page, anonymous (req/s) | $o_floor ÷ $o_canon = **${f_canon}×** | ≤ 3× | $(verdict "$f_canon" 3 '<=') |"
} | tee "$RESULT_FILE"
log "written to $RESULT_FILE (raw files in $WORK)"
