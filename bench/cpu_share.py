"""CPU time of the processes of a load run, by group, from /proc (Linux).

    python bench/cpu_share.py snap > a.json        # at the start of the measured window
    python bench/cpu_share.py snap > b.json        # at its end
    python bench/cpu_share.py diff a.json b.json SECONDS REQUESTS_PER_SECOND

Prints each group's share of a core and its CPU milliseconds per request: where a saturated
machine's time goes (the app's workers, PostgreSQL, the load generator, anything else).
"""
from __future__ import annotations

import json
import os
import sys

GROUPS = ("gunicorn", "postgres", "locust", "redis")


def snapshot() -> dict[str, float]:
    hz = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # utime, stime, and those of waited-for children (exited PostgreSQL backends)
        seconds = sum(int(x) for x in fields[11:15]) / hz
        group = next((g for g in GROUPS if g in cmd), "other")
        out[group] = out.get(group, 0.0) + seconds
    return out


def diff(a: dict, b: dict, seconds: float, rps: float) -> None:
    total = 0.0
    for group in sorted(b, key=lambda g: a.get(g, 0) - b[g]):
        used = b[group] - a.get(group, 0.0)
        total += used
        print(f"  {group:9s} {used / seconds * 100:5.1f} % of a core, {used / seconds / rps * 1000:5.2f} ms CPU per request")
    print(f"  {'all':9s} {total / seconds * 100:5.1f} % of a core, {total / seconds / rps * 1000:5.2f} ms CPU per request")


if __name__ == "__main__":
    if sys.argv[1:2] == ["snap"]:
        json.dump(snapshot(), sys.stdout)
    elif sys.argv[1:2] == ["diff"] and len(sys.argv) == 6:
        diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), float(sys.argv[4]), float(sys.argv[5]))
    else:
        raise SystemExit(__doc__)
