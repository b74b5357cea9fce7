#!/usr/bin/env bash
# The load of bench/load.sh against two checkouts back to back (or more, in the order given), on
# the same database with the same mix, and the CPU each one's gunicorn (its own process tree) and
# the PostgreSQL backends of that database used per request: a comparison that holds while other
# work shares the machine.
#
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zhicheng_city \
#     bash bench/load_ab.sh /path/to/old-checkout /path/to/new-checkout [old new …]
#
# Each checkout needs its own .venv (pip install -e '.[bench]'). USERS (default 150), RATE,
# DURATION, LOAD_WAIT_MIN/MAX as in bench/load.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/_common.sh
HERE=$PWD
load_knobs 150 10 60 8123 bench/out/ab
DBNAME=${DATABASE_URL##*/}
export RATELIMIT_STORAGE_URI=${RATELIMIT_STORAGE_URI:-redis://127.0.0.1:6379/0}
export CAPTCHA_ENABLED=0
export_app_keys
export LOAD_REVIEWERS=$(load_reviewers)
n=0
for CHECKOUT in "$@"; do
  n=$((n + 1))
  tag="$n-$(git -C "$CHECKOUT" rev-parse --short HEAD)"
  echo "== run $tag ($CHECKOUT), load: $(uptime | sed 's/.*average: //')"
  (cd "$CHECKOUT" && GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG=/dev/null \
     exec .venv/bin/gunicorn -c gunicorn.conf.py --error-logfile "$HERE/$OUT/$tag-gunicorn.log" "app:app") &
  GPID=$!
  trap 'kill $GPID 2>/dev/null || true' EXIT
  wait_for "http://127.0.0.1:$PORT/login" 100
  start_locust bench/locustfile.py "http://127.0.0.1:$PORT" "$OUT/$tag" "$OUT/$tag-locust.txt"
  sleep "$RAMP"
  .venv/bin/python bench/cpu_pids.py snap $GPID "$DBNAME" > "$OUT/$tag-cpu0.json"
  sleep "$((DURATION - 3))"
  .venv/bin/python bench/cpu_pids.py snap $GPID "$DBNAME" > "$OUT/$tag-cpu1.json"
  wait $LPID || true
  kill $GPID; wait $GPID 2>/dev/null || true
  trap - EXIT
  .venv/bin/python - "$OUT/$tag" "$((DURATION - 3))" <<'PY'
import csv, json, sys
sys.path.insert(0, "bench")
from cpu_pids import diff
prefix, window = sys.argv[1], float(sys.argv[2])
rows = {r["Name"]: r for r in csv.DictReader(open(prefix + "_stats.csv", encoding="utf-8"))}
agg = rows["Aggregated"]
rps = float(agg["Requests/s"])
print(f"  requests {agg['Request Count']}, failures {agg['Failure Count']}, {rps:.1f} req/s, "
      f"median {agg['50%']} ms, p95 {agg['95%']} ms, p99 {agg['99%']} ms")
diff(json.load(open(prefix + "-cpu0.json")), json.load(open(prefix + "-cpu1.json")), round(rps * window))
PY
  echo "  load after: $(uptime | sed 's/.*average: //')"
done
