#!/usr/bin/env bash
# The load run of bench/load.sh through nginx in front of two app servers and one RQ worker,
# while 10 background exports of ~10k rows each (the root office's 10 largest projects) run:
# throughput, p95/p99 and errors of the page mix, and how long the exports took meanwhile.
# Compare with bench/load.sh (one server, no exports) on the same data and machine.
#
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zhicheng_city bash bench/load_two.sh
#   (the city data: flask --app app demo-data --scale city; nginx: make nginx)
#
# Same knobs as bench/load.sh (USERS, RATE, DURATION, LOAD_WAIT_MIN/MAX); EXPORTS (default 10)
# jobs are started when the statistics start. SERVERS (default 2) app servers run GUNICORN_WORKERS
# workers each, by default two in all (one each), as many as bench/load.sh's one server: on one
# machine the comparison is at equal workers (the second server stands for a second machine).
# SERVERS=1 EXPORTS=0: one app server behind the same nginx, no exports (the baseline with the
# same proxy hop; bench/load.sh is that server without nginx). The RQ worker runs at
# JOBS_WORKER_NICE (default 19). The set-up is bench/two_servers.sh's (deploy/nginx.conf rendered into a private prefix,
# PROXY_COUNT=1, jobs on Redis) except that the export files go to a local directory the
# worker and the servers share (one machine), and the Redis database LOAD_REDIS_URL (default
# redis://127.0.0.1:6379/12) is emptied first and used for the rate limiter and the queue.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/_common.sh
: "${DATABASE_URL:?set DATABASE_URL to the city-scale PostgreSQL database}"
PY=.venv/bin/python
BIN=.venv/bin
USERS=${USERS:-250}
RATE=${RATE:-8}
DURATION=${DURATION:-70}
EXPORTS=${EXPORTS:-10}
SERVERS=${SERVERS:-2}
OUT=${OUT:-bench/out/two}
NGINX_BIN=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
[ -x "$NGINX_BIN" ] || { echo "nginx not found: run 'make nginx' first" >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
$BIN/locust --version >/dev/null 2>&1 || $BIN/pip install -q -e '.[bench]' >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zhicheng-load-two.XXXXXX")
PIDS=()
cleanup() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do wait "${PIDS[$i]}" 2>/dev/null || true; done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT
start() { local name=$1; shift; "$@" >"$OUT/$name.log" 2>&1 & PIDS+=("$!"); }

read -r PORT_NGINX PORT_A PORT_B < <(free_ports 3)
LOAD_REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/12}
export SECRET_KEY=${SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')}
export BASE_URL="http://127.0.0.1:$PORT_NGINX"
export PROXY_COUNT=1
export RATELIMIT_STORAGE_URI="$LOAD_REDIS_URL"
export JOBS_REDIS_URL="$LOAD_REDIS_URL"
export JOBS_QUEUE="zhicheng_load_$$"
export JOBS_PER_USER=$((EXPORTS + 2))
export EXPORT_DIR="$TMP/exports" UPLOAD_DIR="$TMP/uploads" MAIL_OUTBOX_DIR="$TMP/outbox" ZHICHENG_INSTANCE="$TMP"
export CAPTCHA_ENABLED=0
"$PY" -c 'import os, redis; redis.Redis.from_url(os.environ["JOBS_REDIS_URL"]).flushdb()'
export LOAD_REVIEWERS=$(load_reviewers)

SIDES="a b"; [ "$SERVERS" = 1 ] && SIDES="a"
for side in $SIDES; do
  port=$PORT_A; [ "$side" = b ] && port=$PORT_B
  start "server-$side" env GUNICORN_BIND="127.0.0.1:$port" PROMETHEUS_MULTIPROC_DIR="$TMP/metrics-$side" \
    GUNICORN_WORKERS=${GUNICORN_WORKERS:-$((3 - SERVERS))} GUNICORN_ACCESS_LOG=/dev/null \
    "$BIN/gunicorn" -c gunicorn.conf.py --control-socket "$TMP/server-$side.ctl" 'app:app'
done
start worker "$BIN/rq" worker -w zhicheng.jobs.worker.AppWorker --url "$JOBS_REDIS_URL" --name "zhicheng-load-$$" "$JOBS_QUEUE"

NGX="$TMP/nginx"
SECOND=$PORT_B; [ "$SERVERS" = 1 ] && SECOND=""
render_nginx_site "$NGX" "$PORT_NGINX" "$PORT_A" "$SECOND"
write_nginx_frame "$NGX" "$OUT/nginx-error.log" 2048 "access_log off;"
start nginx "$NGINX_BIN" -p "$NGX/" -c "$NGX/nginx.conf" -e "$OUT/nginx-error.log" -g 'daemon off;'
PORTS="$PORT_A $PORT_B $PORT_NGINX"; [ "$SERVERS" = 1 ] && PORTS="$PORT_A $PORT_NGINX"
for port in $PORTS; do
  for _ in $(seq 1 150); do
    curl -fs -H "Host: 127.0.0.1:$PORT_NGINX" "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2
  done
  curl -fs -H "Host: 127.0.0.1:$PORT_NGINX" "http://127.0.0.1:$port/healthz" >/dev/null \
    || { echo ":$port does not answer /healthz (logs in $OUT)" >&2; exit 1; }
done
echo "nginx :$PORT_NGINX -> :$PORT_A, :$PORT_B; worker on $JOBS_QUEUE; load: $(uptime)"

start_locust bench/locustfile.py "$BASE_URL" "$OUT/load" "$OUT/locust.txt"
sleep "$RAMP"
# The exports, as the 导出汇总表 page starts them (the root office, one project each), when the
# statistics start.
JOB_IDS=$("$PY" - "$EXPORTS" <<'PY'
import sys
from sqlalchemy import func, select
from zhicheng import create_app, transaction
from zhicheng.exporting.services import ExportFilters, count_materials, material_conditions, start_export_job
from zhicheng.extensions import db
from zhicheng.models import Material, User
with create_app().app_context():
    root = db.session.scalar(select(User).where(User.username == "rsj_admin"))
    projects = db.session.scalars(select(Material.project_id).where(material_conditions(root, ExportFilters())[0])
                                  .group_by(Material.project_id).order_by(func.count().desc()).limit(int(sys.argv[1])))
    ids = []
    for p in list(projects):
        f = ExportFilters(project=p)
        ids.append(str(start_export_job(root, f, count_materials(material_conditions(root, f))).id))
    transaction.commit()
    print(",".join(ids))
PY
)
echo "exports started: jobs $JOB_IDS"
wait $LPID || true
echo "load at the end: $(uptime)"
tail -40 "$OUT/locust.txt"
"$PY" bench/locust_summary.py "$OUT/load_stats.csv" 2>&1 >/dev/null
[ -n "$JOB_IDS" ] || exit 0
"$PY" - "$JOB_IDS" <<'PY'
import sys, time
from zhicheng import create_app
from zhicheng.extensions import db
from zhicheng.models import ExportJob
ids = [int(i) for i in sys.argv[1].split(",")]
with create_app().app_context():
    deadline = time.monotonic() + 300
    while True:
        db.session.expire_all()
        jobs = [db.session.get(ExportJob, i) for i in ids]
        if all(j.status not in ("pending", "running") for j in jobs) or time.monotonic() > deadline:
            break
        time.sleep(1)
    first = min(j.created_at for j in jobs)
    for j in jobs:
        took = (j.finished_at - j.started_at).total_seconds() if j.finished_at and j.started_at else None
        print(f"  job {j.id}: {j.status}, {j.done} rows, ran {took:.1f} s, finished "
              f"{(j.finished_at - first).total_seconds():.0f} s after the exports started" if took is not None
              else f"  job {j.id}: {j.status} {j.error or ''}")
    print(f"exports: {sum(j.status == 'done' for j in jobs)} of {len(jobs)} done, "
          f"{sum(j.done for j in jobs)} rows, the last {max((j.finished_at or first) - first for j in jobs).total_seconds():.0f} s "
          "after they were started")
PY
