#!/usr/bin/env python
"""Accuracy report of the extractors over hand-checked pages.

1. The real government pages (``shared/realpages``, truth.json): for every list page and list payload,
   expected vs found entry count, newest date, oldest date and next page; home pages and hubs: newest date
   (URL dates count when the page shows none) and the entry count; article pages must be read as content
   pages (one document, no list entries).
2. A per-trait table over the saved imitation pages: ``tests/pages/traits`` (the pages the extractor was
   developed on), ``tests/pages/holdout`` (pages written first and never tuned on) and
   ``tests/pages/holdout_late`` (a second held-out batch written after development, "late"), plus the real
   pages by their traits. Per trait and source: pages *read* right (entry count and the page state the truth names:
   blank, note, content page, relative/invalid/pinned counts, guide elements, letters) and pages whose
   *dates* are right (newest and oldest entry date, letters' submission and reply dates).

Summary lines: share of real list pages where all four match, the median extraction time per list page
(ms/page) and the per-source totals of the trait table.
Exit status 1 when a real list page misses its entry count or newest date, or any real page has a wrong
newest date (with ``--strict-speed`` also when the median time is not under 5 ms), 2 when the folder is missing.

    python scripts/accuracy.py [--realpages DIR] [--traits DIR] [--holdout DIR] [--late DIR] [--no-holdout]
                               [--repeat N] [--strict-speed]

3. ``--warc FILE [--run RUN] [--database URL]``: the pages of one WARC file of a run's evidence archive read
   again by the current extractor and compared with the evidence stored for them (per column page: entries,
   newest date, blank; per page: features). Figures only, exit 0.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from govaudit.extract.dates import parse_date
from govaudit.extract.encoding import decode_html
from govaudit.extract.guides import find_guide_links, guide_info
from govaudit.extract.letters import extract_letters
from govaudit.extract.listpage import ListPage, extract_list

SPEED_TARGET_MS = 5.0
LIST_KINDS = ("list", "list_payload")
HOME_KINDS = ("home",)
ROOT = Path(__file__).resolve().parent.parent

# traits of the real pages beyond their kind (hand-checked in shared/realpages/MANIFEST.md)
REAL_TRAITS = {
    "list_hebei_zrzy_stdt_pagenav.html": ("pinned-order",),
    "list_tangshan_zygh_xxgk_metatable.html": ("pinned-order",),
    "home_truecms_nantong_tjj_gov_cn_mmdd.html": ("date-yearless",),
    "hub_nea_gov_cn_xwzx.html": ("home-tabs",),
}
KIND_TRAIT = {"list": "list-page", "list_payload": "list-payload", "home": "home-page", "article": "content-page"}


def default_realpages() -> Path:
    """``shared/realpages`` next to the repository root."""
    return ROOT.parent / "shared" / "realpages"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _expected_date(value: str | None, asof: datetime.date) -> datetime.date | None:
    return parse_date(value, asof) if value else None


def _timed(body: bytes, url: str, asof: datetime.date, repeat: int,
           fetched: datetime.datetime | None = None) -> tuple[ListPage, float]:
    times = []
    page = extract_list(body, url, asof=asof, fetched=fetched)
    for _ in range(repeat):
        started = time.perf_counter()
        page = extract_list(body, url, asof=asof, fetched=fetched)
        times.append((time.perf_counter() - started) * 1000)
    return page, statistics.median(times) if times else page.elapsed_ms


def run(realpages: Path, repeat: int = 5, out: Any = sys.stdout) -> dict[str, Any]:
    """The real-page report; returns the figures (also printed to ``out``)."""
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


# ------------------------------------------------------------------------------------------ trait table


@dataclass
class CaseResult:
    source: str
    trait: str
    file: str
    read: bool
    date: bool | None  # None: the trait has no dates to get right
    ms: float
    diffs: list[str]


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _fetched(item: dict[str, Any]) -> datetime.datetime | None:
    raw = item.get("fetched")
    return datetime.datetime.fromisoformat(raw) if raw else None


def _check(diffs: list[str], name: str, expected: Any, found: Any) -> bool:
    if expected == found:
        return True
    diffs.append(f"{name} {_fmt(expected)}/{_fmt(found)}")
    return False


def _list_case(path: Path, item: dict[str, Any]) -> tuple[bool, bool | None, float, list[str]]:
    asof = datetime.date.fromisoformat(item["asof"])
    kind = item["kind"]
    # an article stands for a column URL that shows one document (its truth URL is only the site's)
    forced = "home" if kind == "home" else "list" if kind == "article" else None
    page = extract_list(path.read_bytes(), item["url"], asof=asof, fetched=_fetched(item), kind=forced)
    diffs: list[str] = []
    if kind == "article":
        read = _check(diffs, "entries", 0, len(page.entries)) & _check(diffs, "content_page", True, page.content_page)
        published = (item.get("published") or "")[:10] or None
        return read, _check(diffs, "document_date", published, _iso(page.document_date)), page.elapsed_ms, diffs
    read = _check(diffs, "entries", item["entries"], len(page.entries)) if "entries" in item else True
    flags: dict[str, Callable[[ListPage], Any]] = {
        "blank": lambda p: p.blank and not p.blank_note,
        "blank_note": lambda p: p.blank_note,
        "content_page": lambda p: p.content_page,
        "relative": lambda p: sum(e.date_relative for e in p.entries),
        "invalid": lambda p: sum(e.date_invalid for e in p.entries),
        "pinned": lambda p: sum(e.pinned for e in p.entries),
        "subcolumns": lambda p: len(p.subcolumns),
    }
    for name, get in flags.items():
        if name in item:
            read &= _check(diffs, name, item[name], get(page))
    if "guide_links" in item:
        text, _enc = decode_html(path.read_bytes())
        read &= _check(diffs, "guide_links", item["guide_links"], len(find_guide_links(text, item["url"])))
    if kind in HOME_KINDS and "newest" not in item:
        return read, None, page.elapsed_ms, diffs
    date_ok = _check(diffs, "newest", item.get("newest"), _iso(page.latest()))
    if "oldest" in item:
        date_ok &= _check(diffs, "oldest", item["oldest"], _iso(page.oldest()))
    return read, date_ok, page.elapsed_ms, diffs


def _guide_case(path: Path, item: dict[str, Any]) -> tuple[bool, bool | None, float, list[str]]:
    text, _enc = decode_html(path.read_bytes())
    started = time.perf_counter()
    info = guide_info(text, item["url"])
    ms = (time.perf_counter() - started) * 1000
    diffs: list[str] = []
    read = _check(diffs, "elements", sorted(item["elements"]), sorted(info.elements))
    if "image_only" in item:
        read &= _check(diffs, "image_only", item["image_only"], info.image_only)
    return read, None, ms, diffs


def _letters_case(path: Path, item: dict[str, Any]) -> tuple[bool, bool | None, float, list[str]]:
    text, _enc = decode_html(path.read_bytes())
    asof = datetime.date.fromisoformat(item["asof"])
    started = time.perf_counter()
    letters = extract_letters(text, item["url"], asof)
    ms = (time.perf_counter() - started) * 1000
    diffs: list[str] = []
    read = _check(diffs, "letters", item["letters"], len(letters))
    read &= _check(diffs, "answered", item["answered"], sum(x.answered for x in letters))
    submitted = [x.submitted for x in letters if x.submitted]
    date_ok = _check(diffs, "newest", item["newest"], _iso(max(submitted, default=None)))
    date_ok &= _check(diffs, "oldest", item["oldest"], _iso(min(submitted, default=None)))
    if "replied" in item:
        date_ok &= _check(diffs, "replied", item["replied"], [_iso(x.replied) for x in letters])
    return read, date_ok, ms, diffs


def evaluate(folder: Path, source: str, items: list[dict[str, Any]]) -> list[CaseResult]:
    out: list[CaseResult] = []
    for item in items:
        path = folder / item["file"]
        kind = item["kind"]
        case = _guide_case if kind == "guide" else _letters_case if kind == "letters" else _list_case
        read, date_ok, ms, diffs = case(path, item)
        for trait in item["traits"]:
            out.append(CaseResult(source, trait, item["file"], read, date_ok, ms, diffs))
    return out


def trait_items(folder: Path) -> list[dict[str, Any]]:
    items = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    for item in items:
        item["traits"] = (item["trait"],)
    return items


def real_trait_items(realpages: Path) -> list[dict[str, Any]]:
    """The real pages as trait cases: list/payload/home pages by their counts and dates, articles as
    content pages."""
    items = []
    for item in json.loads((realpages / "truth.json").read_text(encoding="utf-8")):
        kind = item.get("kind")
        if kind not in KIND_TRAIT:
            continue
        case = dict(item)
        case["traits"] = (KIND_TRAIT[kind], *REAL_TRAITS.get(item["file"], ()))
        if kind in ("list", "list_payload"):
            case["kind"] = "list"
        elif kind == "home":
            url_dates = item.get("url_dates") or {}
            case["newest"] = item.get("newest") if item.get("entries") else url_dates.get("newest")
            if not item.get("entries"):  # no visible dates: its undated items are not counted
                case.pop("entries", None)
                case.pop("oldest", None)
            elif not item.get("oldest"):
                case.pop("oldest", None)
            if case["newest"] and len(case["newest"]) == 5:  # MM-DD written without a year (nantong)
                case["newest"] = _iso(parse_date(case["newest"], datetime.date.fromisoformat(item["asof"])))
        items.append(case)
    return items


def _cell(results: list[CaseResult], attr: str) -> str:
    values = [getattr(r, attr) for r in results if getattr(r, attr) is not None]
    return f"{sum(values)}/{len(values)}" if values else "-"


def print_table(results: list[CaseResult], sources: list[str], out: Any = sys.stdout) -> dict[str, Any]:
    traits = list(dict.fromkeys(r.trait for r in results))
    header = f"{'trait':18}" + "".join(f"  {s + ' read':>13} {s + ' date':>13}" for s in sources)
    print("PER-TRAIT (pages read right / pages whose dates are right)", file=out)
    print(header, file=out)
    for trait in traits:
        row = f"{trait:18}"
        for s in sources:
            rs = [r for r in results if r.trait == trait and r.source == s]
            row += f"  {_cell(rs, 'read'):>13} {_cell(rs, 'date'):>13}"
        print(row, file=out)
    totals: dict[str, Any] = {}
    row = f"{'ALL':18}"
    for s in sources:
        # each page once (a page may stand for two traits)
        seen: dict[str, CaseResult] = {}
        for r in results:
            if r.source == s:
                seen.setdefault(f"{r.file}|{r.read}|{r.date}", r)
        rs = list(seen.values())
        row += f"  {_cell(rs, 'read'):>13} {_cell(rs, 'date'):>13}"
        totals[s] = {"read": sum(r.read for r in rs), "pages": len(rs),
                     "date": sum(bool(r.date) for r in rs if r.date is not None),
                     "dated": sum(1 for r in rs if r.date is not None)}
    print(row, file=out)
    return totals


def run_traits(realpages: Path | None, traits_dir: Path, holdout_dir: Path | None,
               out: Any = sys.stdout, late_dir: Path | None = None) -> dict[str, Any]:
    results: list[CaseResult] = []
    sources: list[str] = []
    for source, folder in (("dev", traits_dir), ("holdout", holdout_dir), ("late", late_dir)):
        if folder is not None and (folder / "truth.json").is_file():
            sources.append(source)
            results.extend(evaluate(folder, source, trait_items(folder)))
    if realpages is not None and (realpages / "truth.json").is_file():
        sources.append("real")
        results.extend(evaluate(realpages, "real", real_trait_items(realpages)))
    for r in results:
        if (not r.read or r.date is False) and r.source not in ("holdout", "late"):
            print(f"DIFF {r.source:7} {r.trait:16} {r.file:44} {'  '.join(r.diffs)}", file=out)
    totals = print_table(results, sources, out)
    list_ms = [r.ms for r in results if r.source != "real"]
    median_ms = statistics.median(list_ms) if list_ms else 0.0
    parts = [f"{s} read {t['read']}/{t['pages']} dates {t['date']}/{t['dated']}" for s, t in totals.items()]
    print(f"TRAITS {'; '.join(parts)}; median {median_ms:.2f} ms/page", file=out)
    failing = {s: sorted({r.file for r in results if r.source == s and (not r.read or r.date is False)})
               for s in sources}
    return {"totals": totals, "failing": failing, "results": results}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--warc" in argv:  # how extraction changed on a run's archive (govaudit/archive/compare.py)
        from govaudit.archive.compare import main as warc_main

        return warc_main(argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realpages", type=Path, default=default_realpages())
    parser.add_argument("--traits", type=Path, default=ROOT / "tests" / "pages" / "traits")
    parser.add_argument("--holdout", type=Path, default=ROOT / "tests" / "pages" / "holdout")
    parser.add_argument("--late", type=Path, default=ROOT / "tests" / "pages" / "holdout_late")
    parser.add_argument("--no-holdout", action="store_true", help="leave the held-out pages out")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (median is reported)")
    parser.add_argument("--strict-speed", action="store_true", help="also fail when the median is >= 5 ms")
    args = parser.parse_args(argv)
    if not (args.realpages / "truth.json").is_file():
        print(f"no truth.json under {args.realpages}", file=sys.stderr)
        return 2
    figures = run(args.realpages, repeat=max(1, args.repeat))
    run_traits(args.realpages, args.traits, None if args.no_holdout else args.holdout,
               late_dir=None if args.no_holdout else args.late)
    if figures["failures"]:
        return 1
    if args.strict_speed and figures["median_ms"] >= SPEED_TARGET_MS:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
