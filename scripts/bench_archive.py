"""Benchmark of the evidence archive: audit the demo province once with the archive and screenshots on and
print what the evidence costs in space (MB of WARC per 1,000 pages, MB per screenshot) and time.

    python scripts/bench_archive.py [--asof YYYY-MM-DD] [--sites N] [--keep DIR] [-s NAME=VALUE ...]

The throughput cost of writing the archive is measured as a paired A/B of the same audit with and without
it (GOVAUDIT_ARCHIVE_ENABLED=false), e.g. with /usr/bin/time or hyperfine on `--crawl-only` runs:

    python scripts/bench_archive.py --serve            # prints the registry path, serves until killed
    python scripts/bench_archive.py --crawl-only REGISTRY [-s GOVAUDIT_ARCHIVE_ENABLED=false]

Figures only; nothing is asserted."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(asof: str, sites: int | None, folder: Path) -> tuple[subprocess.Popen[str], Path]:
    reg = folder / "registry.csv"
    cmd = [sys.executable, "-m", "govaudit.demo", "serve", "--asof", asof, "--port", "0", "--registry", str(reg)]
    if sites:
        cmd += ["--sites", str(sites)]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in server.stdout:  # type: ignore[union-attr]
        if line.startswith("registry written"):
            return server, reg
    sys.exit("bench: the demo server did not start")


def crawl(registry: Path, asof: str, work: Path, settings: list[str]) -> tuple[float, str]:
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}",
           "GOVAUDIT_REPORTS_DIR": str(work / "reports"), "GOVAUDIT_EVIDENCE_DIR": str(work / "evidence"),
           "LOG_LEVEL": "INFO"}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "audit", "-a", f"registry={registry}", "-a", f"asof={asof}"]
    for setting in settings:
        cmd += ["-s", setting]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(proc.stderr[-3000:])
    return wall, proc.stderr


def figures(work: Path, log: str, wall: float) -> None:
    db = sqlite3.connect(work / "bench.sqlite")
    (run_id,) = db.execute("SELECT id FROM runs ORDER BY started DESC LIMIT 1").fetchone()
    kinds = dict(db.execute("SELECT kind, COUNT(*) FROM archive_records WHERE run_id = ? GROUP BY kind", (run_id,)))
    fetched = sum(n for k, n in kinds.items() if not k.startswith("rendered"))
    body = db.execute("SELECT COALESCE(SUM(size), 0) FROM archive_records WHERE run_id = ?", (run_id,)).fetchone()[0]
    shots, shot_bytes = db.execute("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM screenshots WHERE run_id = ?",
                                   (run_id,)).fetchone()
    warc = sum(p.stat().st_size for p in (work / "evidence" / run_id).glob("*.warc.gz"))
    per_k = warc / 1e6 / max(fetched, 1) * 1000
    print(f"run {run_id}: {fetched} responses archived ({kinds}), bodies {body / 1e6:.1f} MB as received")
    print(f"archive: {warc / 1e6:.2f} MB of WARC = {per_k:.2f} MB per 1,000 pages "
          f"(gzip {warc / max(body, 1):.0%} of the bodies, headers and request records included)")
    if shots:
        print(f"screenshots: {shots}, {shot_bytes / 1e6:.1f} MB = {shot_bytes / 1e6 / shots:.2f} MB each")
    closed = re.search(r"(\d\d:\d\d:\d\d) \[scrapy\.core\.engine\] INFO: Closing spider", log)
    shot_line = re.search(r"(\d\d:\d\d:\d\d) \[govaudit\.archive\.screenshots\] INFO: govaudit screenshots", log)
    if closed and shot_line:
        t = [sum(int(x) * 60 ** (2 - i) for i, x in enumerate(m.group(1).split(":"))) for m in (closed, shot_line)]
        print(f"screenshots took about {t[1] - t[0]} s after the crawl closed")
    print(f"whole audit: {wall:.1f} s wall")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asof", default="2026-11-20")
    ap.add_argument("--sites", type=int, default=None, help="serve N demo sites (default: the demo province)")
    ap.add_argument("--keep", default=None, help="keep the database, evidence and report here")
    ap.add_argument("--serve", action="store_true", help="only serve the demo province (until killed)")
    ap.add_argument("--crawl-only", metavar="REGISTRY", default=None,
                    help="only audit REGISTRY's sites (no figures); for a timed A/B")
    ap.add_argument("-s", dest="settings", action="append", default=[])
    args = ap.parse_args()
    work_tmp = tempfile.TemporaryDirectory(prefix="govaudit-bench-archive-")
    work = Path(args.keep) if args.keep else Path(work_tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    if args.crawl_only:
        crawl(Path(args.crawl_only), args.asof, work, ["GOVAUDIT_SCREENSHOTS_ENABLED=False",
                                                       "GOVAUDIT_REPORT_ON_CLOSE=False", *args.settings])
        return
    server, registry = serve(args.asof, args.sites, work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a killed --serve stops its server too
    try:
        if args.serve:
            print(registry, flush=True)
            server.wait()
            return
        wall, log = crawl(registry, args.asof, work, ["GOVAUDIT_SCREENSHOTS_ENABLED=True", *args.settings])
        figures(work, log, wall)
    finally:
        server.terminate()
        server.wait(10)
        work_tmp.cleanup()


if __name__ == "__main__":
    main()
