#!/usr/bin/env bash
# Load run: gunicorn (2 workers) on PostgreSQL with the rate limiter on Redis, locust headless
# on loopback, then the 审核记录 consistency check.
#
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zhicheng_city bash bench/load.sh
#   (load the data first: flask --app app demo-data --scale city)
#
# USERS simulated users (default 250) each wait LOAD_WAIT_MIN..LOAD_WAIT_MAX s (default 1–4 s)
# between pages; they log in at RATE per second (slowly enough that no backlog from the logins
# runs into the measurement), then the statistics start (--reset-stats) and
# run for DURATION seconds. Saturation instead: USERS=60 LOAD_WAIT_MIN=0.05 LOAD_WAIT_MAX=0.4.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/_common.sh
load_knobs 250 8 70 8123 bench/out
.venv/bin/pip install -q -e '.[bench]' >/dev/null
export RATELIMIT_STORAGE_URI=${RATELIMIT_STORAGE_URI:-redis://127.0.0.1:6379/0}
export CAPTCHA_ENABLED=0
# PostgreSQL needs a shared SECRET_KEY and the public BASE_URL: here the loopback server itself.
export_app_keys
export LOAD_REVIEWERS=$(load_reviewers)
GUNICORN_WORKERS=2 start_gunicorn /login
# Logins go on during the run (each user logs out and in again every ~60 pages), so they are
# part of the measured mix.
start_locust bench/locustfile.py "http://127.0.0.1:$PORT" "$OUT/load" "$OUT/locust.txt"
cpu_window
tail -40 "$OUT/locust.txt"
kill $GPID; wait $GPID 2>/dev/null || true
trap - EXIT
cpu_report
echo "consistency check after the run:"
.venv/bin/flask --app app check-consistency | tail -3
