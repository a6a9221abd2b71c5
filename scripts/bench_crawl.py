"""Benchmark: audit the demo province end to end and print throughput figures.

    python scripts/bench_crawl.py [--asof YYYY-MM-DD] [--repeat N] [-s NAME=VALUE ...]

Prints wall time, pages fetched, pages/s, sites/min and the extrapolated time for a 600-site province at the
same per-site cost (sites are crawled in parallel, politeness is per site). Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(asof: str, extra: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="govaudit-bench-") as tmp:
        env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
               "GOVAUDIT_REPORTS_DIR": f"{tmp}/reports", "LOG_LEVEL": "INFO"}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", "registry=demo", "-a", f"asof={asof}"]
        for setting in extra:
            cmd += ["-s", setting]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(proc.stderr[-3000:])
        dump = re.search(r"Dumping Scrapy stats:\n(\{.*?\})\n", proc.stderr, re.S)
        stats = ast.literal_eval(re.sub(r"datetime\.datetime\([^)]*\)", "None", dump.group(1))) if dump else {}
        return {"wall": wall, "crawl": float(stats.get("elapsed_time_seconds", wall)),
                "pages": float(stats.get("response_received_count", 0)),
                "sites": float(stats.get("govaudit/sites_total", 0)),
                "rendered": float(stats.get("govaudit/pages_rendered", 0))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--asof", default="2026-11-20")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("-s", dest="settings", action="append", default=[])
    args = ap.parse_args()
    for i in range(args.repeat):
        r = run_once(args.asof, args.settings)
        per_site = r["crawl"] / max(r["sites"], 1)
        print(f"run {i + 1}: {r['sites']:.0f} sites, {r['pages']:.0f} pages ({r['rendered']:.0f} rendered) in "
              f"{r['crawl']:.1f} s crawl / {r['wall']:.1f} s wall: {r['pages'] / r['crawl']:.0f} pages/s, "
              f"{60 * r['sites'] / r['crawl']:.0f} sites/min; 600 sites at this rate: "
              f"{600 * per_site / 60:.1f} min")


if __name__ == "__main__":
    main()
