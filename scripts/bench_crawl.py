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
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(asof: str, extra: list[str], registry: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="govaudit-bench-") as tmp:
        env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
               "GOVAUDIT_REPORTS_DIR": f"{tmp}/reports", "LOG_LEVEL": "INFO"}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"registry={registry}", "-a", f"asof={asof}"]
        for setting in extra:
            cmd += ["-s", setting]
        t0 = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        if proc.returncode != 0:
            sys.exit(proc.stderr[-3000:])
        dump = re.search(r"Dumping Scrapy stats:\n(\{.*?\})\n", proc.stderr, re.S)
        stats = ast.literal_eval(re.sub(r"datetime\.datetime\([^)]*\)", "None", dump.group(1))) if dump else {}
        return {"wall": wall, "cpu": cpu, "crawl": float(stats.get("elapsed_time_seconds", wall)),
                "pages": float(stats.get("response_received_count", 0)),
                "sites": float(stats.get("govaudit/sites_total", 0)),
                "rendered": float(stats.get("govaudit/pages_rendered", 0))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--asof", default="2026-11-20")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("-s", dest="settings", action="append", default=[])
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="govaudit-bench-srv-")
    # the sites in their own process (any free port), so the figures are the crawler's, not the demo server's
    reg = Path(tmp.name) / "registry.csv"
    server = subprocess.Popen([sys.executable, "-m", "govaudit.demo", "serve", "--asof", args.asof, "--port", "0",
                               "--registry", str(reg)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True)
    try:
        for line in server.stdout:  # type: ignore[union-attr]
            if line.startswith("registry written"):
                break
        else:
            sys.exit("bench: the demo server did not start")
        for i in range(args.repeat):
            report(i, run_once(args.asof, args.settings, str(reg)))
    finally:
        server.terminate()
        server.wait(10)
        tmp.cleanup()


def report(i: int, r: dict[str, float]) -> None:
    pages_per_site = r["pages"] / max(r["sites"], 1)
    cpu_ms = 1000 * r["cpu"] / max(r["pages"], 1)
    # a province is crawled many sites at a time, so its time is bound by the crawler's CPU per page
    # (politeness is per site); this is the one-core estimate for 600 sites of the demo's size
    province_min = 600 * pages_per_site * cpu_ms / 1000 / 60
    print(f"run {i + 1}: {r['sites']:.0f} sites, {r['pages']:.0f} pages ({r['rendered']:.0f} rendered) in "
          f"{r['crawl']:.1f} s crawl / {r['wall']:.1f} s wall: {r['pages'] / r['crawl']:.0f} pages/s; "
          f"crawler CPU {cpu_ms:.1f} ms/page (incl. start-up); 600 sites x {pages_per_site:.0f} pages, CPU-bound on "
          f"one core: {province_min:.1f} min")


if __name__ == "__main__":
    main()
