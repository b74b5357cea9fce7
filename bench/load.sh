#!/usr/bin/env bash
# Load run: gunicorn (2 workers) on PostgreSQL with the rate limiter on Redis, locust headless
# on loopback for DURATION, then the 审核记录 consistency check.
#
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zhicheng_city bash bench/load.sh
#   (load the data first: flask --app app demo-data --scale city)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the city-scale PostgreSQL database}"
DURATION=${DURATION:-70s}
USERS=${USERS:-60}
PORT=${PORT:-8123}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
.venv/bin/pip install -q -e '.[bench]' >/dev/null
export RATELIMIT_STORAGE_URI=${RATELIMIT_STORAGE_URI:-redis://127.0.0.1:6379/0}
export CAPTCHA_ENABLED=0
export LOAD_REVIEWERS=$(.venv/bin/python - <<'PY'
from sqlalchemy import select
from zhicheng import create_app
from zhicheng.extensions import db
from zhicheng.models import User
with create_app().app_context():
    print(",".join(db.session.scalars(select(User.username).where(User.username.like("d%review")))))
PY
)
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG=/dev/null .venv/bin/gunicorn -c gunicorn.conf.py --error-logfile "$OUT/gunicorn.log" "app:app" &
GPID=$!
trap 'kill $GPID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/login" >/dev/null && break; sleep 0.2; done
# Statistics start once every user has logged in (--reset-stats); logins go on during the run
# (each user logs out and in again now and then), so they are part of the measured mix.
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 10 -t "$DURATION" --reset-stats \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/load" --only-summary 2>&1 | tail -40
kill $GPID; wait $GPID 2>/dev/null || true
trap - EXIT
.venv/bin/python - "$OUT/load_stats.csv" <<'PY'
import csv, sys
rows = {r["Name"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
agg = rows["Aggregated"]
print(f"\nrequests {agg['Request Count']}, failures {agg['Failure Count']}, "
      f"{float(agg['Requests/s']):.1f} req/s, median {agg['50%']} ms, p95 {agg['95%']} ms, p99 {agg['99%']} ms")
PY
echo "consistency check after the run:"
.venv/bin/flask --app app check-consistency | tail -3
