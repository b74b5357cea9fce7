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
: "${DATABASE_URL:?set DATABASE_URL to the city-scale PostgreSQL database}"
USERS=${USERS:-250}
RATE=${RATE:-8}
DURATION=${DURATION:-70}
PORT=${PORT:-8123}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
.venv/bin/pip install -q -e '.[bench]' >/dev/null
export RATELIMIT_STORAGE_URI=${RATELIMIT_STORAGE_URI:-redis://127.0.0.1:6379/0}
export CAPTCHA_ENABLED=0
# PostgreSQL needs a shared SECRET_KEY and the public BASE_URL: here the loopback server itself.
export SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
export BASE_URL=${BASE_URL:-http://127.0.0.1:$PORT}
# The reviewer accounts of the city data; on PostgreSQL the tables are vacuumed first, as
# autovacuum would have done (earlier runs leave dead rows behind; autovacuum may be off).
export LOAD_REVIEWERS=$(.venv/bin/python - <<'PY'
from sqlalchemy import select, text
from zhicheng import create_app
from zhicheng.extensions import db
from zhicheng.models import User
with create_app().app_context():
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    print(",".join(db.session.scalars(select(User.username).where(User.username.like("d%review")))))
PY
)
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG=/dev/null .venv/bin/gunicorn -c gunicorn.conf.py --error-logfile "$OUT/gunicorn.log" "app:app" &
GPID=$!
trap 'kill $GPID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/login" >/dev/null && break; sleep 0.2; done
RAMP=$(( (USERS + RATE - 1) / RATE + 3 ))
# Logins go on during the run (each user logs out and in again every ~60 pages), so they are
# part of the measured mix.
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r "$RATE" -t "$((RAMP + DURATION))s" --reset-stats \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/load" --only-summary > "$OUT/locust.txt" 2>&1 &
LPID=$!
sleep "$RAMP"
.venv/bin/python bench/cpu_share.py snap > "$OUT/cpu_start.json"
sleep "$((DURATION - 3))"
.venv/bin/python bench/cpu_share.py snap > "$OUT/cpu_end.json"
wait $LPID || true
tail -40 "$OUT/locust.txt"
kill $GPID; wait $GPID 2>/dev/null || true
trap - EXIT
RPS=$(.venv/bin/python bench/locust_summary.py "$OUT/load_stats.csv")
echo "CPU during the last $((DURATION - 3)) s:"
.venv/bin/python bench/cpu_share.py diff "$OUT/cpu_start.json" "$OUT/cpu_end.json" "$((DURATION - 3))" "$RPS"
echo "consistency check after the run:"
.venv/bin/flask --app app check-consistency | tail -3
