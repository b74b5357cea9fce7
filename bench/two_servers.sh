#!/usr/bin/env bash
# Two app servers, proven: nginx (Debian's package, with deploy/nginx.conf) in front of two
# gunicorn instances on different ports sharing PostgreSQL, Redis and an S3 server (moto's, from
# PyPI, speaking the S3 HTTP API as MinIO or a cloud OSS would), plus one RQ worker; then
# bench/two_servers_check.py checks the whole set end to end through nginx and each server.
#
#   make two-servers          (installs nginx first if it is missing)
#   bench/two_servers.sh      (nginx already installed)
#
# Everything runs as the current user on loopback ports chosen at random, with its files in a
# temporary directory (kept, and its logs shown, when a check fails; KEEP=1 keeps it always).
# It uses, and empties first: the PostgreSQL database TWO_DB (default zhicheng_two) and the Redis
# database TWO_REDIS_URL (default redis://127.0.0.1:6379/13); nothing else of either is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/_common.sh

PY=.venv/bin/python
BIN=.venv/bin
TWO_DB=${TWO_DB:-zhicheng_two}
TWO_REDIS_URL=${TWO_REDIS_URL:-redis://127.0.0.1:6379/13}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
NGINX_BIN=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
STARTED=$(date +%s)

[[ "$TWO_DB" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "TWO_DB must be a plain lower-case name" >&2; exit 2; }
[ -x "$NGINX_BIN" ] || { echo "nginx not found: run 'make nginx' (Debian's package) first" >&2; exit 2; }
[ -x "$PY" ] || { echo "no virtualenv: run 'make install' first" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/zhicheng-two.XXXXXX")
PIDS=()
NAMES=()
OK=0

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # Newest first: nginx, the worker and the servers before the S3 server they talk to.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PIDS[$i]}" 2>/dev/null || true
  done
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    local pid=${PIDS[$i]} waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      echo "  ${NAMES[$i]} (pid $pid) did not stop within 10 s: killed" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [ "$OK" = 1 ] && [ "${KEEP:-0}" != 1 ]; then
    psql_admin -q -c "DROP DATABASE IF EXISTS $TWO_DB" >/dev/null 2>&1 || true
    rm -rf "$TMP"
  else
    if [ "$OK" != 1 ]; then
      for log in "$TMP"/*.log; do
        [ -f "$log" ] || continue
        echo "---- $(basename "$log") (last lines) ----" >&2
        tail -n 25 "$log" >&2
      done
    fi
    echo "files and logs kept in $TMP" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Start a long-running process in the background, remember it for the cleanup.
start() {
  local name=$1; shift
  "$@" >"$TMP/$name.log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}

# Wait until a URL answers 200 (the Host header the app trusts), or fail naming the process.
wait_http() {
  local name=$1 url=$2 host=$3 pid=$4
  for _ in $(seq 1 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited while starting (see $TMP/$name.log)" >&2
      return 1
    fi
    if "$PY" - "$url" "$host" <<'PY' 2>/dev/null; then
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], headers={"Host": sys.argv[2]} if sys.argv[2] else {})
sys.exit(0 if urllib.request.urlopen(req, timeout=2).status == 200 else 1)
PY
      return 0
    fi
    sleep 0.2
  done
  echo "$name did not answer $url within 30 s" >&2
  return 1
}

# PostgreSQL as its administrator (trust auth on loopback: postgres, else root as in .ci/run).
PGUSER=${PGUSER:-postgres}
psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -Atc 'select 1' >/dev/null 2>&1 || PGUSER=root
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 "$@"; }

# Five distinct free loopback ports: nginx, server A, server B, the S3 server, and one that a
# server refused to start on would have used.
read -r PORT_NGINX PORT_A PORT_B PORT_S3 PORT_SPARE < <(free_ports 5)

echo "== two app servers behind nginx ($TMP)"
echo "   nginx :$PORT_NGINX -> server A :$PORT_A, server B :$PORT_B; S3 :$PORT_S3; $TWO_REDIS_URL; database $TWO_DB"

# --- the shared settings: every server and the worker get the same ----------------------------
export DATABASE_URL="postgresql+psycopg://$PGUSER@$PGHOST:$PGPORT/$TWO_DB"
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
export BASE_URL="http://127.0.0.1:$PORT_NGINX"
export PROXY_COUNT=1
export RATELIMIT_STORAGE_URI="$TWO_REDIS_URL"
export JOBS_REDIS_URL="$TWO_REDIS_URL"
export JOBS_QUEUE=zhicheng_two
export STORAGE_BACKEND=s3
export S3_ENDPOINT_URL="http://127.0.0.1:$PORT_S3"
export S3_BUCKET=zhicheng-two
export S3_ACCESS_KEY=test
export S3_SECRET_KEY=test
export S3_DOWNLOAD=redirect
# Every export goes to the worker; the always-on captcha is off for the check, the failed-login
# counting (which turns it on) stays as in production.
export EXPORT_BACKGROUND_THRESHOLD=0
export CAPTCHA_ENABLED=0
unset TRUSTED_HOSTS AWS_PROFILE AWS_DEFAULT_PROFILE || true

# --- the S3 server first (it starts while the database is prepared) ------------------------------
start s3 "$PY" -m moto.server -H 127.0.0.1 -p "$PORT_S3"
S3_PID=${PIDS[-1]}

# --- a fresh database and Redis db ---------------------------------------------------------------
psql_admin -q -c "DROP DATABASE IF EXISTS $TWO_DB" -c "CREATE DATABASE $TWO_DB" >/dev/null
"$PY" -c 'import os, redis; redis.Redis.from_url(os.environ["JOBS_REDIS_URL"]).flushdb()'
mkdir -p "$TMP/instance-setup"
ZHICHENG_INSTANCE="$TMP/instance-setup" "$BIN/flask" --app app db upgrade >"$TMP/setup.log" 2>&1
ZHICHENG_INSTANCE="$TMP/instance-setup" "$BIN/flask" --app app demo-data >>"$TMP/setup.log" 2>&1
echo "   database migrated, demo data loaded ($(( $(date +%s) - STARTED )) s)"

wait_http s3 "$S3_ENDPOINT_URL/" "" "$S3_PID"
"$PY" - <<'PY'
import os, boto3
boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="us-east-1",
             aws_access_key_id="test", aws_secret_access_key="test").create_bucket(Bucket=os.environ["S3_BUCKET"])
PY

# --- two app servers, each with an instance directory of its own (no shared disk) -------------------
# Each with its own control socket and metrics directory: gunicorn's default control socket
# (~/.gunicorn/gunicorn.ctl) is one per user, which two instances on one machine would take from
# each other.
for side in a b; do
  mkdir -p "$TMP/instance-$side"
  port=$PORT_A; [ "$side" = b ] && port=$PORT_B
  start "server-$side" env ZHICHENG_INSTANCE="$TMP/instance-$side" GUNICORN_BIND="127.0.0.1:$port" \
    PROMETHEUS_MULTIPROC_DIR="$TMP/metrics-$side" \
    GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG=- "$BIN/gunicorn" -c gunicorn.conf.py --control-socket "$TMP/server-$side.ctl" 'app:app'
done
SERVER_A_PID=${PIDS[-2]}
SERVER_B_PID=${PIDS[-1]}

# --- one RQ worker on the queue -----------------------------------------------------------------------
mkdir -p "$TMP/instance-worker"
start worker env ZHICHENG_INSTANCE="$TMP/instance-worker" \
  "$BIN/rq" worker -w zhicheng.jobs.worker.AppWorker --url "$JOBS_REDIS_URL" --name "zhicheng-two-$$" "$JOBS_QUEUE"
WORKER_PID=${PIDS[-1]}

# --- nginx: deploy/nginx.conf rendered into a private prefix, run as this user in the foreground ------
NGX="$TMP/nginx"
render_nginx_site "$NGX" "$PORT_NGINX" "$PORT_A" "$PORT_B"
write_nginx_frame "$NGX" "$TMP/nginx-error.log" 512 "sendfile on; access_log $TMP/nginx-access.log;"
"$NGINX_BIN" -t -q -p "$NGX/" -c "$NGX/nginx.conf" -e "$TMP/nginx-error.log"
start nginx "$NGINX_BIN" -p "$NGX/" -c "$NGX/nginx.conf" -e "$TMP/nginx-error.log" -g 'daemon off;'
NGINX_PID=${PIDS[-1]}

wait_http server-a "http://127.0.0.1:$PORT_A/healthz" "127.0.0.1:$PORT_NGINX" "$SERVER_A_PID"
wait_http server-b "http://127.0.0.1:$PORT_B/healthz" "127.0.0.1:$PORT_NGINX" "$SERVER_B_PID"
wait_http nginx "$BASE_URL/healthz" "" "$NGINX_PID"
kill -0 "$WORKER_PID" || { echo "the RQ worker exited (see $TMP/worker.log)" >&2; exit 1; }
echo "   all up ($(( $(date +%s) - STARTED )) s)"

# --- the checks --------------------------------------------------------------------------------------
TWO_NGINX="127.0.0.1:$PORT_NGINX" TWO_SERVER_A="127.0.0.1:$PORT_A" TWO_SERVER_B="127.0.0.1:$PORT_B" \
TWO_SPARE_PORT="$PORT_SPARE" TWO_TMP="$TMP" TWO_NGINX_CONF="$NGX/zhicheng.conf" \
TWO_WORKER_LOG="$TMP/worker.log" \
  "$PY" bench/two_servers_check.py
OK=1
echo "== two app servers: every check passed in $(( $(date +%s) - STARTED )) s"
