#!/usr/bin/env python
"""Accuracy report of the list extractor over the hand-checked real pages (``shared/realpages``).

For every list page and list payload in ``truth.json``: expected vs found entry count, newest date,
oldest date and next page. Home pages and hubs: expected vs found newest date (URL dates count when the
page shows none) and the entry count. Article pages are not lists and are skipped.

Summary line: share of list pages where all four match, and the median extraction time per list page.
Exit status 1 when a list page misses its entry count or newest date, or any page has a wrong newest date
(with ``--strict-speed`` also when the median time is not under 5 ms), 2 when the folder is missing.

    python scripts/accuracy.py [--realpages DIR] [--repeat N] [--strict-speed]
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from govaudit.extract.dates import parse_date
from govaudit.extract.listpage import ListPage, extract_list

SPEED_TARGET_MS = 5.0
LIST_KINDS = ("list", "list_payload")
HOME_KINDS = ("home",)


def default_realpages() -> Path:
    """``shared/realpages`` next to the repository root."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "realpages"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _expected_date(value: str | None, asof: datetime.date) -> datetime.date | None:
    return parse_date(value, asof) if value else None


def _timed(body: bytes, url: str, asof: datetime.date, repeat: int) -> tuple[ListPage, float]:
    times = []
    page = extract_list(body, url, asof=asof)
    for _ in range(repeat):
        started = time.perf_counter()
        page = extract_list(body, url, asof=asof)
        times.append((time.perf_counter() - started) * 1000)
    return page, statistics.median(times) if times else page.elapsed_ms


def run(realpages: Path, repeat: int = 5, out: Any = sys.stdout) -> dict[str, Any]:
    """Run the report; returns the figures (also printed to ``out``)."""
    truth = json.loads((realpages / "truth.json").read_text(encoding="utf-8"))
    list_ok = list_total = 0
    failures: list[str] = []
    list_times: list[float] = []
    for item in truth:
        kind = item.get("kind")
        if kind not in LIST_KINDS + HOME_KINDS:
            continue
        path = realpages / item["file"]
        asof = datetime.date.fromisoformat(item["asof"])
        page, ms = _timed(path.read_bytes(), item["url"], asof, repeat)
        found_newest, found_oldest = page.latest(), page.oldest()
        if kind in LIST_KINDS:
            list_total += 1
            list_times.append(ms)
            exp_next_raw = (item.get("pagination") or {}).get("next_page")
            exp_next = urljoin(item["url"], exp_next_raw) if exp_next_raw else None
            found_next = page.next_pages[0] if page.next_pages else None
            exp_newest = _expected_date(item.get("newest"), asof)
            exp_oldest = _expected_date(item.get("oldest"), asof)
            checks = {
                "entries": (item["entries"], len(page.entries)),
                "newest": (exp_newest, found_newest),
                "oldest": (exp_oldest, found_oldest),
                "next": (exp_next, found_next),
            }
            all_ok = all(a == b for a, b in checks.values())
            list_ok += all_ok
            if checks["entries"][0] != checks["entries"][1] or exp_newest != found_newest:
                failures.append(item["file"])
        else:
            url_dates = item.get("url_dates") or {}
            exp_newest = _expected_date(item.get("newest"), asof)
            if exp_newest is None and url_dates.get("newest"):
                exp_newest = _expected_date(url_dates["newest"], asof)
            exp_count = item.get("entries") or None
            checks = {
                "entries": (exp_count if exp_count else f"{item.get('items_total', 0)} undated", len(page.entries)),
                "newest": (exp_newest, found_newest),
            }
            all_ok = exp_newest == found_newest and (not exp_count or exp_count == len(page.entries))
            if exp_newest != found_newest:
                failures.append(item["file"])
        mark = "OK  " if all_ok else "DIFF"
        parts = "  ".join(f"{k} {_fmt(a)}/{_fmt(b)}" for k, (a, b) in checks.items())
        print(f"{mark} {kind:12} {item['file']:52} {parts}  [{ms:.2f} ms, {page.cms}]", file=out)
        for error in page.errors:
            print(f"     error: {error}", file=out)
    median_ms = statistics.median(list_times) if list_times else 0.0
    share = list_ok / list_total if list_total else 0.0
    print(
        f"SUMMARY list pages all-match {list_ok}/{list_total} ({share:.0%}); "
        f"median extraction {median_ms:.2f} ms/page (target < {SPEED_TARGET_MS:.0f} ms); "
        f"pages failing entry count/newest date: {', '.join(failures) or 'none'}",
        file=out,
    )
    return {"list_ok": list_ok, "list_total": list_total, "median_ms": median_ms, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realpages", type=Path, default=default_realpages())
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (median is reported)")
    parser.add_argument("--strict-speed", action="store_true", help="also fail when the median is >= 5 ms")
    args = parser.parse_args(argv)
    if not (args.realpages / "truth.json").is_file():
        print(f"no truth.json under {args.realpages}", file=sys.stderr)
        return 2
    figures = run(args.realpages, repeat=max(1, args.repeat))
    if figures["failures"]:
        return 1
    if args.strict_speed and figures["median_ms"] >= SPEED_TARGET_MS:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
