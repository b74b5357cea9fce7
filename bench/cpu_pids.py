"""CPU time of one gunicorn (its master and workers) and of the PostgreSQL backends serving one
database, from /proc (Linux): unlike bench/cpu_share.py (grouped by command name), it counts
nothing of other servers or databases running on the same machine.

    python bench/cpu_pids.py snap GUNICORN_PID DBNAME > a.json   # start of the measured window
    python bench/cpu_pids.py snap GUNICORN_PID DBNAME > b.json   # its end
    python bench/cpu_pids.py diff a.json b.json REQUESTS

A backend that ended during the window is not counted (the pool keeps its connections for the
whole run); one that started during it is counted whole.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys


def _cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid == pid:
            out.append(int(p))
    return out


def _backends(dbname: str) -> list[int]:
    sql = f"select pid from pg_stat_activity where datname = '{dbname}' and pid <> pg_backend_pid()"
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", sql],
                         capture_output=True, text=True, check=True).stdout
    return [int(x) for x in out.split()]


def snapshot(gunicorn_pid: int, dbname: str) -> dict:
    procs = {"gunicorn": {}, "postgres": {}}
    for pid in [gunicorn_pid, *_children(gunicorn_pid)]:
        try:
            procs["gunicorn"][str(pid)] = _cpu(pid)
        except OSError:
            pass
    for pid in _backends(dbname):
        try:
            procs["postgres"][str(pid)] = _cpu(pid)
        except OSError:
            pass
    return procs


def diff(a: dict, b: dict, requests: int) -> dict:
    out = {}
    for group in ("gunicorn", "postgres"):
        used = sum(sec - a[group].get(pid, 0.0) for pid, sec in b[group].items())
        out[group] = used
        print(f"  {group:9s} {used:7.2f} s CPU, {used / requests * 1000:6.2f} ms per request")
    return out


if __name__ == "__main__":
    if sys.argv[1:2] == ["snap"] and len(sys.argv) == 4:
        json.dump(snapshot(int(sys.argv[2]), sys.argv[3]), sys.stdout)
    elif sys.argv[1:2] == ["diff"] and len(sys.argv) == 5:
        diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)
