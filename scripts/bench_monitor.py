"""Benchmark: a daily monitoring pass against a full audit of the same sites, in the same run of this script.

    python scripts/bench_monitor.py                 # the demo province
    python scripts/bench_monitor.py --sites 600     # a synthetic province: the running sites cycled
    python scripts/bench_monitor.py --sites 600 --start 2026-10-04 -s CONCURRENT_REQUESTS=128

The province of a simulated fortnight (govaudit.demo.timeline) is served on loopback by this process; the
crawls run as `scrapy` subprocesses on a fresh SQLite store: the full audit on day 0, then the daily pass on
day 1 (the first one after the audit: no validators yet, script-built lists rendered once) and on day 2 (a
usual day: conditional requests, data endpoints). Prints requests, crawl time and wall time of each and the
ratios of day 2's pass to the audit. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govaudit.demo.server import DemoServer  # noqa: E402
from govaudit.demo.timeline import Fortnight  # noqa: E402


def crawl(args: list[str], env: dict[str, str], settings: list[str], log: Path | None = None) -> dict[str, float]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", *args, "-s", "STATS_DUMP=True", "-s", "LOG_LEVEL=INFO"]
    for setting in settings:
        cmd += ["-s", setting]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, errors="replace")
    wall = time.perf_counter() - t0
    if log is not None:
        log.write_text(proc.stderr + proc.stdout, "utf-8")
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(args[:1])} exited {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    stats = _stats(proc.stderr)
    if not stats:
        sys.exit(f"bench: no stats dump in the output of {args[0]}:\n{proc.stderr[-3000:]}")
    return {"wall": wall, "crawl": float(stats.get("elapsed_time_seconds", wall)),
            "requests": float(stats.get("downloader/request_count", 0)),
            "not_modified": float(stats.get("downloader/response_status_count/304", 0)),
            "rendered": float(stats.get("playwright/page_count", 0))}


def _stats(log: str) -> dict[str, Any]:
    """Scrapy's stats dump (the last one in the log), up to the next log line."""
    at = log.rfind("Dumping Scrapy stats:")
    if at < 0:
        return {}
    text = log[at:].split("\n", 1)[1] if "\n" in log[at:] else ""
    nxt = re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", text, re.M)
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", text[:nxt.start()] if nxt else text).strip()
    try:
        return dict(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return {}


def line(name: str, r: dict[str, float]) -> str:
    return (f"{name:<22} {r['requests']:>8.0f} requests ({r['not_modified']:.0f} not modified, {r['rendered']:.0f} "
            f"rendered)  crawl {r['crawl']:7.1f} s  wall {r['wall']:7.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=None, help="N sites (default: the demo province)")
    ap.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 10, 4), help="day 0 (the audit)")
    ap.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE for every crawl")
    ap.add_argument("--keep", type=Path, default=None, help="keep the store and logs in this folder")
    args = ap.parse_args()
    t0 = time.perf_counter()
    fortnight = Fortnight(args.start, sites=args.sites, days=2)
    server = DemoServer(fortnight.province(0))
    server.start()
    label = "demo province" if args.sites is None else f"synthetic province of {args.sites} sites"
    print(f"{label}: {len(fortnight.province(0).sites)} sites, built and served in {time.perf_counter() - t0:.1f} s",
          flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="govaudit-bench-monitor-") as scratch:
            tmp = str(args.keep) if args.keep else scratch
            Path(tmp).mkdir(parents=True, exist_ok=True)
            registry = server.write_registry(Path(tmp) / "registry.csv")
            env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
                   "GOVAUDIT_REPORTS_DIR": f"{tmp}/reports", "GOVAUDIT_REPORT_ON_CLOSE": "false"}
            logs = Path(tmp) if args.keep else None
            audit = crawl(["audit", "-a", f"registry={registry}", "-a", f"asof={fortnight.date(0)}"], env, args.settings,
                          logs / "audit.log" if logs else None)
            print(line("full audit (day 0)", audit), flush=True)
            passes = []
            for day in (1, 2):
                server.serve_day(fortnight.province(day), fortnight.down(day))
                passes.append(crawl(["monitor", "-a", f"registry={registry}", "-a", f"asof={fortnight.date(day)}"],
                                    env, args.settings, logs / f"monitor-{day}.log" if logs else None))
                print(line(f"daily pass (day {day})", passes[-1]), flush=True)
    finally:
        server.stop()
    usual = passes[-1]
    print(f"daily pass / full audit: requests {100 * usual['requests'] / audit['requests']:.1f} % (target <= 15 %), "
          f"{audit['crawl'] / usual['crawl']:.1f}x faster crawling, {audit['wall'] / usual['wall']:.1f}x faster wall "
          f"(target >= 5x)")


if __name__ == "__main__":
    main()
