"""List extraction on the real pages: govaudit's `extract_list` against Gerapy Auto Extractor's `extract_list`
(a widely used general-purpose list extractor for Chinese sites), page by page, on the same machine in one run.

    .venv/bin/pip install -e '.[bench]'              # gerapy-auto-extractor, only for this benchmark
    .venv/bin/python benchmarks/vs_gerapy.py [--repeat 9] [REALPAGES]

Each page is timed `repeat` times, alternating the two extractors, and the best time kept (what the code
costs; a busy moment of a shared machine only adds to it). govaudit's time
includes decoding the page's bytes (what the crawl does); Gerapy is given the text already decoded, so the
comparison leans its way. Printed per page: both times, the entries each found and the hand-checked count
(truth.json) where there is one; last, the medians over the pages and their ratio:
`vs_gerapy: pages=N govaudit_ms=X gerapy_ms=Y speedup=R`."""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govaudit.extract.encoding import decode_html  # noqa: E402
from govaudit.extract.listpage import extract_list  # noqa: E402

KINDS = ("list", "home", "article")  # pages Gerapy's list extractor can be pointed at (not script payloads)


def _gerapy() -> Any:
    try:
        from gerapy_auto_extractor.extractors.list import extract_list as gerapy_list
        from loguru import logger as loguru_logger
    except ImportError:
        sys.exit("vs_gerapy: gerapy-auto-extractor is not installed: .venv/bin/pip install -e '.[bench]'")
    loguru_logger.remove()  # it logs every candidate cluster at DEBUG to stderr
    return gerapy_list


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return (time.perf_counter() - started) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("realpages", nargs="?", type=Path, default=ROOT.parent / "shared" / "realpages")
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    truth_file = args.realpages / "truth.json"
    if not truth_file.is_file():
        sys.exit(f"vs_gerapy: no truth.json in {args.realpages}")
    gerapy_list = _gerapy()
    logging.disable(logging.WARNING)
    ours, theirs = [], []
    print(f"{'page':<58} {'govaudit ms':>11} {'gerapy ms':>10} {'entries: govaudit / gerapy / truth':>36}")
    for item in json.loads(truth_file.read_text("utf-8")):
        path = args.realpages / item["file"]
        if item.get("kind") not in KINDS or not path.is_file():
            continue
        body, url = path.read_bytes(), item["url"]
        asof = datetime.date.fromisoformat(item["asof"])
        text, _encoding = decode_html(body)
        gerapy_list(text)  # first calls warm caches on both sides
        extract_list(body, url, asof=asof)
        a_times, b_times = [], []
        for _ in range(args.repeat):  # alternated, so a slow moment of the machine falls on both
            a_ms, page = _timed(lambda: extract_list(body, url, asof=asof))  # noqa: B023
            b_ms, found = _timed(lambda: gerapy_list(text))  # noqa: B023
            a_times.append(a_ms)
            b_times.append(b_ms)
        a_ms, b_ms = min(a_times), min(b_times)
        ours.append(a_ms)
        theirs.append(b_ms)
        expected = item.get("entries", "-")
        print(f"{item['file'][:58]:<58} {a_ms:11.2f} {b_ms:10.2f} "
              f"{f'{len(page.entries)} / {len(found or [])} / {expected}':>36}")
    if not ours:
        sys.exit("vs_gerapy: no page to compare")
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"vs_gerapy: pages={len(ours)} govaudit_ms={a:.2f} gerapy_ms={b:.2f} speedup={b / a:.1f}")


if __name__ == "__main__":
    main()
