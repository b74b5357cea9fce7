"""CPU time of each page of the load mix for two checkouts, measured request by request in turn
(A, B, then B, A …) in two processes side by side, so that whatever else the machine does at the
moment weighs on both alike (both on one core, --cpu): bench/page_cpu.py --serve in each checkout (its own code, the same
database), thread CPU time per request, the median per page and the ratio B / A.

    DATABASE_URL=… SECRET_KEY=x BASE_URL=http://localhost \\
        .venv/bin/python bench/page_cpu_ab.py OLD_CHECKOUT NEW_CHECKOUT [--n 40]

Each checkout is imported from its own directory with this checkout's interpreter and
libraries (the packages must be the same); the database must be one both can use (the login
POSTs and the session rows write to it: use a copy).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# How often each page comes in bench/locustfile.py's mix, per five tasks (four of unit users, one
# of a reviewer; a user logs out and in every ~60 pages). Its writes (上报, 通过, 退出: about 9 % of
# its requests) are not measured here.
MIX = {"登录页": 0.12, "首页 (单位)": 1.2, "管理材料": 1.2, "材料详情": 1.2, "上报材料跟踪": 0.8, "被退回的材料": 0.4,
       "上报材料": 0.4, "上报确认": 0.4, "首页 (部门)": 2 / 7, "待审核材料": 5 / 7, "审核详情": 4 / 7,
       "登录 (POST)": 0.12}


def start(checkout: str, cpu: int | None) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "page_cpu.py"), "--serve"], cwd=checkout,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    if cpu is not None:  # both on the same core: neither gets the quieter one
        os.sched_setaffinity(proc.pid, {cpu})
    names = json.loads(proc.stdout.readline())
    return proc, names


def ask(proc: subprocess.Popen, index: int) -> float:
    proc.stdin.write(f"{index}\n")
    proc.stdin.flush()
    return float(proc.stdout.readline())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--cpu", type=int, default=0, help="the core both run on (-1: wherever the system puts them)")
    args = ap.parse_args()
    cpu = None if args.cpu < 0 else args.cpu
    (a, names), (b, names_b) = start(args.old, cpu), start(args.new, cpu)
    assert names == names_b, (names, names_b)
    times = {name: ([], []) for name in names}
    for i in range(args.n):
        for index, name in enumerate(names):
            first, second = (a, b) if i % 2 == 0 else (b, a)
            t1, t2 = ask(first, index), ask(second, index)
            ta, tb = (t1, t2) if first is a else (t2, t1)
            times[name][0].append(ta)
            times[name][1].append(tb)
    for proc in (a, b):
        proc.stdin.close()
        proc.wait()
    sums, mix = [0.0, 0.0], [0.0, 0.0]
    print(f"{'page':14s} {'old ms':>8s} {'new ms':>8s} {'new/old':>8s}")
    for name, (ta, tb) in times.items():
        ma, mb = statistics.median(ta) * 1000, statistics.median(tb) * 1000
        sums[0] += ma
        sums[1] += mb
        mix[0] += MIX.get(name, 0) * ma
        mix[1] += MIX.get(name, 0) * mb
        print(f"{name:14s} {ma:8.2f} {mb:8.2f} {mb / ma:8.2f}")
    print(f"{'sum':14s} {sums[0]:8.2f} {sums[1]:8.2f} {sums[1] / sums[0]:8.2f}")
    weight = sum(MIX.get(name, 0) for name in times)
    print(f"{'mix (per page)':14s} {mix[0] / weight:8.2f} {mix[1] / weight:8.2f} {mix[1] / mix[0]:8.2f}")


if __name__ == "__main__":
    main()
