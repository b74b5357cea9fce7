"""Fetch Apache ECharts from npm into zhicheng/static/vendor/echarts/ (the 统计分析 charts).

Run by hand to update the library; the result is committed (the pages never load it from a CDN).
Needs npm. It packs the published package (``npm pack echarts@VERSION``, checked against the
registry's integrity hash by npm), and copies:

* dist/echarts.min.js (the full build: every chart type, the SVG renderer, the ZH locale);
* LICENSE and NOTICE (Apache-2.0), and licenses/LICENSE-d3 (BSD-3-Clause, code of d3 in ECharts);
* the licences of the two packages bundled into echarts.min.js: zrender (BSD-3-Clause) and tslib
  (0BSD), each packed at the version ECharts' package.json names;
* VERSION, the version copied (the page's URL of the file carries it).

Usage::

    python tools/fetch_echarts.py            # the latest release
    python tools/fetch_echarts.py 6.1.0      # a given version
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "zhicheng" / "static" / "vendor" / "echarts"


def pack(spec: str, workdir: Path) -> Path:
    """The package's files, from `npm pack` unpacked in `workdir` (the directory named `package`)."""
    done = subprocess.run(["npm", "pack", spec, "--json", "--silent"], cwd=workdir, check=True,
                          capture_output=True, text=True)
    info = json.loads(done.stdout)[0]
    print(f"{info['id']}  {info['integrity']}")
    target = workdir / info["name"].replace("/", "_")
    with tarfile.open(workdir / info["filename"]) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def main(version: str = "latest") -> None:
    with tempfile.TemporaryDirectory(prefix="echarts-") as tmp:
        work = Path(tmp)
        echarts = pack(f"echarts@{version}", work)
        meta = json.loads((echarts / "package.json").read_text(encoding="utf-8"))
        deps = meta.get("dependencies", {})
        zrender = pack(f"zrender@{deps['zrender']}", work)
        tslib = pack(f"tslib@{deps['tslib']}", work)
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir(parents=True)
        shutil.copy2(echarts / "dist" / "echarts.min.js", OUT / "echarts.min.js")
        shutil.copy2(echarts / "LICENSE", OUT / "LICENSE")
        shutil.copy2(echarts / "NOTICE", OUT / "NOTICE")
        shutil.copy2(echarts / "licenses" / "LICENSE-d3", OUT / "LICENSE-d3")
        shutil.copy2(zrender / "LICENSE", OUT / "LICENSE-zrender")
        shutil.copy2(tslib / "LICENSE.txt", OUT / "LICENSE-tslib")
        (OUT / "VERSION").write_text(meta["version"] + "\n", encoding="utf-8")
    print(f"ECharts {meta['version']} (zrender {deps['zrender']}, tslib {deps['tslib']}) -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
