"""CPU per page of what the audit spider does with one column page: the list, the page features, the links,
the child columns, guide links and letters (govaudit.spiders.audit.parse_column's extractor calls).

    python benchmarks/page_cpu.py [--repeat 5] [DIR ...]     (default: ../shared/realpages and tests/pages)

Run it against two checkouts (PYTHONPATH=<checkout>) to compare them on the same pages; with a checkout
that has govaudit.extract.document, each page is decoded and parsed once and shared by every extractor.
Prints the median and mean CPU ms per page and the pages count."""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

from govaudit.extract.features import page_features, page_links
from govaudit.extract.guides import find_guide_links
from govaudit.extract.letters import extract_letters
from govaudit.extract.listpage import extract_list
from govaudit.extract.navigation import discover_columns

try:
    from govaudit.extract.document import Document
except ImportError:  # a checkout without the shared Document
    Document = None  # type: ignore[assignment,misc]

ASOF = datetime.date(2026, 11, 20)


def one_page(body: bytes, url: str) -> None:
    if Document is not None:
        doc = Document(body, url, None)
        extract_list(body, url, None, ASOF, doc=doc)
        text = doc.text
        kw = {"doc": doc}
    else:
        from govaudit.extract.encoding import decode_html

        extract_list(body, url, None, ASOF)
        text, _ = decode_html(body, None)
        kw = {}
    page_features(text, url, "测试网站", **kw)
    page_links(text, url, **kw)
    discover_columns(text, url, **kw)
    find_guide_links(text, url, **kw)
    extract_letters(text, url, ASOF, **kw)


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dirs", nargs="*", type=Path,
                    default=[root.parent.parent / "shared" / "realpages", root / "tests" / "pages"])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pages = sorted(p for d in args.dirs for p in d.rglob("*.htm*"))
    bodies = [(p.read_bytes(), f"http://www.example.gov.cn/col/{p.stem}/index.html") for p in pages]
    per_page: list[float] = []
    for body, url in bodies:
        one_page(body, url)  # warm-up (imports, regex caches)
        runs = []
        for _ in range(args.repeat):
            t0 = time.process_time()
            one_page(body, url)
            runs.append(time.process_time() - t0)
        per_page.append(min(runs) * 1000)
    print(f"pages={len(bodies)} median_ms={statistics.median(per_page):.2f} mean_ms={statistics.mean(per_page):.2f} "
          f"shared_document={Document is not None}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
