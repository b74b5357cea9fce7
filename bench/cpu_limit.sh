#!/usr/bin/env bash
# Run a benchmark as on a slower machine: the command and its children (gunicorn, the load
# generator) and the local PostgreSQL and Redis servers together get at most CPUS cores, as every
# process of a slower host would (a Linux CPU cgroup, version 1 or 2; needs root). For example the
# load run with two thirds of a 2-core machine, as on a host 1.5 times slower:
#
#   CPUS=1.33 DATABASE_URL=postgresql+psycopg://…/zhicheng_city bash bench/cpu_limit.sh bash bench/load.sh
#
# Short scheduling periods (10 ms) spread the limit evenly instead of stopping every process for
# most of a long period. When the command ends (or fails, or is interrupted) each server process
# goes back to the cgroup it came from. Should the script be killed outright, list the processes
# left in the group with `cat /sys/fs/cgroup/cpu/zhicheng-bench-*/cgroup.procs` (version 2:
# /sys/fs/cgroup/zhicheng-bench-*/cgroup.procs) and write each pid back to the cgroup.procs of
# the group it came from, noted in /tmp/zhicheng-bench-*.origins ("pid group" per line).
set -euo pipefail
: "${CPUS:?set CPUS to the number of cores, e.g. CPUS=1.33}"
[ "$#" -gt 0 ] || { echo "usage: CPUS=1.33 bash bench/cpu_limit.sh COMMAND…" >&2; exit 2; }
PERIOD=10000
QUOTA=$(python3 -c "import sys; print(int($PERIOD * float(sys.argv[1])))" "$CPUS")
SERVERS="$(pgrep -x postgres || true) $(pgrep -x redis-server || true)"

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then   # cgroup v2: lines "0::/path"
  ROOT=/sys/fs/cgroup
  grep -qw cpu "$ROOT/cgroup.subtree_control" || echo +cpu > "$ROOT/cgroup.subtree_control"
  group_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
else                                               # cgroup v1: the line of the cpu controller
  ROOT=/sys/fs/cgroup/cpu
  group_of() { awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' "/proc/$1/cgroup"; }
fi
NAME=zhicheng-bench-$$
CG=$ROOT/$NAME
mkdir "$CG"
if [ -f "$CG/cpu.max" ]; then
  echo "$QUOTA $PERIOD" > "$CG/cpu.max"
else
  echo "$PERIOD" > "$CG/cpu.cfs_period_us"
  echo "$QUOTA" > "$CG/cpu.cfs_quota_us"
fi

# Where each server process was, to put it back there.
declare -A ORIGIN
for pid in $SERVERS $$; do ORIGIN[$pid]=$(group_of "$pid" 2>/dev/null || true); done
for pid in "${!ORIGIN[@]}"; do echo "$pid ${ORIGIN[$pid]}"; done > "/tmp/$NAME.origins"

release() {
  # Until the group is empty: the postmaster may fork a backend while the others move.
  local pid origin
  for _ in $(seq 1 50); do
    local left
    left=$(cat "$CG/cgroup.procs" 2>/dev/null || true)
    [ -z "$left" ] && break
    for pid in $left; do
      origin=${ORIGIN[$pid]:-}
      if [ -z "$origin" ]; then  # forked inside the group: back with its parent's group
        local ppid
        ppid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null || true)
        origin=/
        [ -n "$ppid" ] && [ -n "${ORIGIN[$ppid]+x}" ] && origin=${ORIGIN[$ppid]}
      fi
      echo "$pid" > "$ROOT${origin%/}/cgroup.procs" 2>/dev/null || echo "$pid" > "$ROOT/cgroup.procs" 2>/dev/null || true
    done
    sleep 0.1
  done
  if rmdir "$CG" 2>/dev/null; then
    rm -f "/tmp/$NAME.origins"
  else
    echo "cpu_limit: processes still in $CG (see the header of this script): $(cat "$CG/cgroup.procs" | tr '\n' ' ')" >&2
  fi
}
trap release EXIT

# The servers first (backends forked later inherit the group), then this shell and so the command.
for pid in $SERVERS $$; do
  [ -d "/proc/$pid" ] || continue
  echo "$pid" > "$CG/cgroup.procs"
  [ "$(group_of "$pid")" = "/$NAME" ] || { echo "cpu_limit: could not limit process $pid" >&2; exit 1; }
done
echo "limited to $CPUS cores (quota $QUOTA µs every $PERIOD µs): $*" >&2
"$@"
