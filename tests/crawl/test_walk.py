"""The REACH table of scripts/accuracy.py: saved sites walked with the crawl plan's own decisions."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
from pathlib import Path

from govaudit.crawl.walk import walk

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = ROOT / "tests" / "pages" / "reach"


def _accuracy():  # scripts/ is not a package
    spec = importlib.util.spec_from_file_location("accuracy_script_reach", ROOT / "scripts" / "accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_reach_table_over_the_saved_sites() -> None:
    out = io.StringIO()
    figures = _accuracy().run_reach(PAGES, out)
    text = out.getvalue()
    assert figures["failing"] == [], text
    for trait in ("home-hop", "frame-list", "postback-pager", "letters-paged"):
        assert trait in text


def test_letters_on_page_one_only_miss_the_unanswered_letter() -> None:
    pages = {"http://www.x.gov.cn/hdjl/ldxx/index.jsp": "letters_page1.html",
             "http://www.x.gov.cn/hdjl/ldxx/index.jsp?page=2": "letters_page2.html"}

    def fetch(key: str) -> bytes | None:
        return (PAGES / pages[key]).read_bytes() if key in pages else None

    one = walk("http://www.x.gov.cn/hdjl/ldxx/index.jsp", fetch, dt.date(2026, 11, 20), max_pages=1)
    both = walk("http://www.x.gov.cn/hdjl/ldxx/index.jsp", fetch, dt.date(2026, 11, 20))
    assert all(lt.replied is not None for lt in one.letters)
    assert [lt.submitted for lt in both.letters if lt.replied is None] == [dt.date(2026, 7, 19)]
