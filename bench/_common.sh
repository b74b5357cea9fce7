# Sourced by the load scripts (bench/load.sh, load_ab.sh, load_two.sh, load_verify.sh and
# bench/two_servers.sh) once they are at the top of the checkout: the pieces they share.

# N free loopback ports, on one line.
free_ports() {
  .venv/bin/python - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
for s in socks:
    s.close()
PY
}

# The knobs of a load run on the city data: USERS, RATE, DURATION, PORT and OUT each from the
# environment, else the default given here (load_knobs USERS RATE DURATION PORT OUT); OUT created.
load_knobs() {
  : "${DATABASE_URL:?set DATABASE_URL to the city-scale PostgreSQL database}"
  USERS=${USERS:-$1}
  RATE=${RATE:-$2}
  DURATION=${DURATION:-$3}
  PORT=${PORT:-$4}
  OUT=${OUT:-$5}
  mkdir -p "$OUT"
}

# The app's SECRET_KEY (one for all its workers) and its public BASE_URL, the loopback server on
# PORT, unless the environment sets them.
export_app_keys() {
  export SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
  export BASE_URL=${BASE_URL:-http://127.0.0.1:$PORT}
}

# Back once URL answers, or after TRIES (default 50) tries 0.2 s apart.
wait_for() {
  local url=$1 tries=${2:-50}
  for _ in $(seq 1 "$tries"); do curl -fs "$url" >/dev/null && break; sleep 0.2; done
}

# This checkout's gunicorn on PORT in the background (GPID, killed when the script exits; the
# environment's GUNICORN_* apply), its errors in OUT/gunicorn.log; back once PATH answers.
start_gunicorn() {
  GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_ACCESS_LOG=/dev/null .venv/bin/gunicorn -c gunicorn.conf.py \
    --error-logfile "$OUT/gunicorn.log" "app:app" &
  GPID=$!
  trap 'kill $GPID 2>/dev/null || true' EXIT
  wait_for "http://127.0.0.1:$PORT$1"
}

# The reviewer accounts of the city data, comma-separated (LOAD_REVIEWERS of bench/locustfile.py).
# On PostgreSQL the tables are vacuumed first, as autovacuum would have done (earlier runs leave
# dead rows behind; autovacuum may be off).
load_reviewers() {
  .venv/bin/python - <<'PY'
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
}

# locust -f LOCUSTFILE against HOST, headless, in the background (LPID): USERS users started at
# RATE per second, then the statistics, reset once all have started (after RAMP seconds), for
# DURATION seconds; its CSV files under the prefix CSV, its output in LOG.
start_locust() {
  local locustfile=$1 host=$2 csv=$3 log=$4
  RAMP=$(( (USERS + RATE - 1) / RATE + 3 ))
  .venv/bin/locust -f "$locustfile" --headless -u "$USERS" -r "$RATE" -t "$((RAMP + DURATION))s" --reset-stats \
    --host "$host" --csv "$csv" --only-summary > "$log" 2>&1 &
  LPID=$!
}

# The CPU of the machine's processes by command (bench/cpu_share.py) over the measured window,
# from the statistics' start to 3 s before their end (OUT/cpu_start.json, OUT/cpu_end.json); then
# the end of the locust run.
cpu_window() {
  sleep "$RAMP"
  .venv/bin/python bench/cpu_share.py snap > "$OUT/cpu_start.json"
  sleep "$((DURATION - 3))"
  .venv/bin/python bench/cpu_share.py snap > "$OUT/cpu_end.json"
  wait $LPID || true
}

# That CPU per request (the rate from OUT/load_stats.csv).
cpu_report() {
  local rps
  rps=$(.venv/bin/python bench/locust_summary.py "$OUT/load_stats.csv")
  echo "CPU during the last $((DURATION - 3)) s:"
  .venv/bin/python bench/cpu_share.py diff "$OUT/cpu_start.json" "$OUT/cpu_end.json" "$((DURATION - 3))" "$rps"
}

# deploy/nginx.conf rendered into NGX/zhicheng.conf for nginx on PORT_NGINX in front of the app
# servers on PORT_A and PORT_B (PORT_B empty: one server; static files from this checkout); a placeholder
# left is an error.
render_nginx_site() {
  local ngx=$1 port_nginx=$2 port_a=$3 port_b=$4 static_dir admin_static_dir
  mkdir -p "$ngx/temp"
  static_dir=$(.venv/bin/python -c 'from zhicheng.config import STATIC; print(STATIC)')
  admin_static_dir=$(.venv/bin/python -c \
    'import flask_admin, os; print(os.path.join(os.path.dirname(flask_admin.__file__), "static"))')
  .venv/bin/python - deploy/nginx.conf "$ngx/zhicheng.conf" "$port_nginx" "$port_a" "$port_b" "$static_dir" \
    "$admin_static_dir" <<'PY'
import re, sys
source, target, nginx, a, b, static, admin_static = sys.argv[1:]
values = {"LISTEN": f"127.0.0.1:{nginx}", "SERVER_NAME": "127.0.0.1",
          "APP_SERVER_1": f"127.0.0.1:{a}", "APP_SERVER_2": f"127.0.0.1:{b}",
          "STATIC_DIR": static,
          "ADMIN_STATIC_DIR": admin_static}
text = open(source, encoding="utf-8").read()
if not b:  # one app server behind nginx
    text = "".join(line for line in text.splitlines(True) if "@APP_SERVER_2@" not in line)
text = re.sub(r"@([A-Z0-9_]+)@", lambda m: values.get(m.group(1), m.group(0)), text)
left = [line for line in text.splitlines() if re.search(r"@[A-Z0-9_]+@", line.split("#", 1)[0])]
if left:
    sys.exit(f"deploy/nginx.conf: placeholders not filled in: {left}")
open(target, "w", encoding="utf-8").write(text)
PY
}

# NGX/nginx.conf: the frame around that site (Debian's /etc/nginx/nginx.conf in production) for an
# nginx run as this user with its files under NGX; errors to ERROR_LOG, CONNECTIONS per worker,
# LOGGING the http block's access_log (and sendfile) directives.
write_nginx_frame() {
  local ngx=$1 error_log=$2 connections=$3 logging=$4 user_line="" mime_types="include /etc/nginx/mime.types;"
  # As root nginx would hand its workers to "nobody", who cannot read the temporary directory.
  [ "$(id -u)" = 0 ] && user_line="user root;"
  [ -f /etc/nginx/mime.types ] || mime_types="types { text/css css; application/javascript js; image/png png; }"
  cat >"$ngx/nginx.conf" <<CONF
# The frame around deploy/nginx.conf for this run (Debian's /etc/nginx/nginx.conf in production).
$user_line
worker_processes 2;
pid $ngx/nginx.pid;
error_log $error_log warn;
events { worker_connections $connections; }
http {
    $mime_types
    default_type application/octet-stream;
    $logging
    client_body_temp_path $ngx/temp/client_body;
    proxy_temp_path $ngx/temp/proxy;
    fastcgi_temp_path $ngx/temp/fastcgi;
    uwsgi_temp_path $ngx/temp/uwsgi;
    scgi_temp_path $ngx/temp/scgi;
    include $ngx/zhicheng.conf;
}
CONF
}
