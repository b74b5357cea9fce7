#!/usr/bin/env bash
# Run a benchmark as on a slower machine: the command, its children and the local PostgreSQL and
# Redis servers together get at most CPUS cores (a Linux CPU cgroup; needs root). For example the
# load run with two thirds of this machine's 2 cores, as on a host 1.5 times slower:
#
#   CPUS=1.33 DATABASE_URL=postgresql+psycopg://…/zhicheng_city bash bench/cpu_limit.sh bash bench/load.sh
#
# The servers are moved back when the command ends. Short scheduling periods (10 ms) spread the
# limit evenly instead of stopping every process for most of a long period.
set -euo pipefail
: "${CPUS:?set CPUS to the number of cores, e.g. CPUS=1.33}"
[ "$#" -gt 0 ] || { echo "usage: CPUS=1.33 bash bench/cpu_limit.sh COMMAND…" >&2; exit 2; }
PERIOD=10000
QUOTA=$(python3 -c "import sys; print(int($PERIOD * float(sys.argv[1])))" "$CPUS")
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then   # cgroup v2
  ROOT=/sys/fs/cgroup
  echo +cpu > "$ROOT/cgroup.subtree_control" 2>/dev/null || true
  CG=$ROOT/zhicheng-bench
  mkdir -p "$CG"
  echo "$QUOTA $PERIOD" > "$CG/cpu.max"
else                                               # cgroup v1
  ROOT=/sys/fs/cgroup/cpu
  CG=$ROOT/zhicheng-bench
  mkdir -p "$CG"
  echo "$PERIOD" > "$CG/cpu.cfs_period_us"
  echo "$QUOTA" > "$CG/cpu.cfs_quota_us"
fi

release() {
  for pid in $(cat "$CG/cgroup.procs" 2>/dev/null); do echo "$pid" > "$ROOT/cgroup.procs" 2>/dev/null || true; done
  rmdir "$CG" 2>/dev/null || true
}
trap release EXIT

# The servers first (backends forked later inherit the group), then this shell and so the command.
for pid in $(pgrep -x postgres || true) $(pgrep -x redis-server || true) $$; do
  echo "$pid" > "$CG/cgroup.procs" 2>/dev/null || true
done
echo "limited to $CPUS cores (quota $QUOTA µs every $PERIOD µs): $*" >&2
"$@"
