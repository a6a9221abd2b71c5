"""Benchmark: render the report bundle of a synthetic 600-site run (target: under 10 s).

    /work/venv/bin/python scripts/bench_report.py [--sites 600] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from reporting.factory import HLJ_TOTALS, add_probes, add_run, make_engine, spotcheck_sites  # noqa: E402

from govaudit.reporting import render_bundle  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=600)
    parser.add_argument("--keep", type=Path, default=None, help="write the database and bundle here and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        db = work / "bench.sqlite"
        db.unlink(missing_ok=True)
        engine = make_engine(db)
        t0 = time.perf_counter()
        prev_asof, asof = dt.date(2017, 9, 15), dt.date(2017, 12, 15)
        add_run(engine, "bench-prev", prev_asof, spotcheck_sites(args.sites, args.sites // 30, prev_asof, seed=1), totals=HLJ_TOTALS)
        sites = spotcheck_sites(args.sites, args.sites // 40, asof, seed=2)
        add_run(engine, "bench", asof, sites, totals=HLJ_TOTALS)
        for site in sites[:50]:
            add_probes(engine, site.site_id, site.url, dt.datetime(2017, 11, 20), days=25, per_day=20, fail_every=50)
        t1 = time.perf_counter()
        bundle = render_bundle(engine, "bench", work / "reports", ROOT / "reports")
        t2 = time.perf_counter()
        pages = len(list((bundle / "sites").glob("*.html")))
        print(f"setup {t1 - t0:.2f} s; rendered {args.sites} sites ({pages} site pages) in {t2 - t1:.2f} s -> {bundle}")
        return 0 if t2 - t1 < 10 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
