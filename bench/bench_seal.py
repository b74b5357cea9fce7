"""单位签章: the electronic seal made from a 4 MB scan (budget 1 s), as the unit's upload makes it.

    .venv/bin/python bench/bench_seal.py [--runs 20]

Scans made here (tests/org/seal_scans.py): an A4 page at 300 dpi (2480 × 3508) with black text
lines, a blue pen's line, a red round stamp and scanner noise, as a JPEG of quality 98 (about
4 MB), and the same page at 180 dpi as a PNG (noise makes it about 4 MB too). Each run times
`make_seal` on the bytes: decode, find the red, crop, make the background transparent, encode
the PNG. The first run is reported apart (imports and Pillow's plug-ins load then). Wall time and
the process's CPU time are both given: on a loaded machine the wall time includes waiting for a core.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.org.seal_scans import scan_bytes  # noqa: E402
from zhicheng.org.seal import make_seal  # noqa: E402

BUDGET = 1.0


def run(label: str, data: bytes, runs: int) -> float:
    started = time.perf_counter()
    seal = make_seal(data)
    first = time.perf_counter() - started
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        make_seal(data)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label}: {len(data) / 1024 / 1024:.2f} MB → seal {seal.width}×{seal.height} PNG {len(seal.png) // 1024} KB; "
          f"first {first:.3f} s, median {statistics.median(times):.3f} s, p95 {p95:.3f} s, max {times[-1]:.3f} s "
          f"over {runs} runs (budget {BUDGET} s); CPU time median {statistics.median(cpu):.3f} s, max {max(cpu):.3f} s")
    return times[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    worst = max(run("JPEG 2480×3508 (A4, 300 dpi)", scan_bytes("JPEG", quality=98), args.runs),
                run("PNG 1488×2105 (A4, 180 dpi)", scan_bytes("PNG", width=1488, height=2105), args.runs))
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
