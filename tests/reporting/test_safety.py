"""Crawled text and URLs cannot inject markup or script; bad site ids still give safe unique files; empty runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import lxml.html

from govaudit.reporting import render_bundle
from govaudit.reporting.safety import safe_href, unique_stems

from .factory import ColumnSpec, FindingSpec, SiteSpec, add_run, make_engine

EVIL_TITLE = '<script>alert("x")</script>政务动态'
EVIL_URL = "javascript:alert(document.cookie)"


def _evil_site(site_id: str, name: str) -> SiteSpec:
    home = "http://evil.example.gov.cn/"
    col = ColumnSpec(EVIL_TITLE, EVIL_URL, "news", dt.date(2017, 1, 1))
    return SiteSpec(
        site_id, name, EVIL_URL if site_id.startswith("..") else home,
        verdict="unqualified", score=None, vetoes=["C19-V4a"],
        columns=[col, ColumnSpec('ok"><img src=x onerror=alert(1)>', home + "a/", "notice", dt.date(2017, 12, 1))],
        findings=[FindingSpec("C19-V4a", "veto", "<b>栏目不更新</b>", EVIL_TITLE, evidence={"column_url": EVIL_URL, "urls": [" JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>"]})],
    )


def test_safe_href() -> None:
    assert safe_href("https://www.gov.cn/a?b=1") == "https://www.gov.cn/a?b=1"
    for bad in (EVIL_URL, " javascript:x", "JAVASCRIPT:x", "data:text/html,x", "vbscript:x", "//host/x", "/rel", "", None, "http://", "http://a\nb"):
        assert safe_href(bad) is None


def test_unsafe_site_ids_give_safe_unique_files() -> None:
    ids = ["../../etc/passwd", "..", "a/b", "a\\b", "a b", "CON", "网站", "网站2", "", "ABC", "abc", ".hidden", "x" * 300]
    stems = unique_stems(ids)
    assert len(set(stems.values())) == len(ids)
    assert len({s.lower() for s in stems.values()}) == len(ids)
    for stem in stems.values():
        assert stem.replace("-", "").replace("_", "").isalnum() and stem.isascii()
        assert not stem.startswith(".") and len(stem) <= 60


def test_crawled_markup_is_escaped(tmp_path: Path, templates: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    sites = [_evil_site("../../etc/passwd", "<script>alert(1)</script>局"), _evil_site("a/b\\c", "网站&<i>"), _evil_site("..", "点")]
    add_run(engine, "evil", dt.date(2017, 12, 15), sites)
    bundle = render_bundle(engine, "evil", tmp_path / "out", templates)
    site_files = sorted((bundle / "sites").iterdir())
    assert len(site_files) == 3
    assert all(p.parent == bundle / "sites" for p in site_files)
    assert not (tmp_path / "etc").exists()
    for page in [bundle / "index.html", bundle / "notice.html", bundle / "attachment2.html", *site_files]:
        raw = page.read_bytes()
        doc = lxml.html.fromstring(raw)
        assert not doc.xpath("//script"), page
        assert not doc.xpath("//img"), page
        assert not doc.xpath("//b[not(ancestor::svg)]"), page
        for href in doc.xpath("//@href | //@src"):
            assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (page, href)
        assert b"<script>" not in raw
    site_page = site_files[0].read_text("utf-8")
    assert "&lt;script&gt;" in site_page  # shown as text, not dropped
    data = json.loads((bundle / "results.json").read_text("utf-8"))
    assert {s["site_id"] for s in data["sites"]} == {"../../etc/passwd", "a/b\\c", ".."}


def test_unsafe_run_id_stays_inside_out_dir(tmp_path: Path, templates: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    add_run(engine, "../escape", dt.date(2017, 12, 15), [])
    bundle = render_bundle(engine, "../escape", tmp_path / "out", templates)
    assert bundle.parent == tmp_path / "out"
    assert (bundle / "index.html").exists()


def test_empty_run_renders_a_clear_page(tmp_path: Path, templates: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    add_run(engine, "empty", dt.date(2017, 12, 15), [], totals={"registered": 10, "running": 8})
    bundle = render_bundle(engine, "empty", tmp_path / "out", templates)
    text = lxml.html.fromstring((bundle / "index.html").read_bytes()).text_content()
    assert "没有抽查任何网站" in text
    data = json.loads((bundle / "results.json").read_text("utf-8"))
    assert data["summary"] == {**data["summary"], "checked": 0, "qualified": 0, "unqualified": 0, "pass_rate": None}
    assert data["sites"] == []
    for name in ("notice.html", "attachment1.html", "attachment2.html", "monitoring.html", "notice.docx", "results.xlsx"):
        assert (bundle / name).stat().st_size > 0
    assert not (bundle / "rectification.html").exists()


def test_unaudited_site_says_why(tmp_path: Path, templates: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    blocked = SiteSpec("230B", "被拦截网站", "http://b.example.gov.cn/", verdict="unaudited", score=None,
                       crawl_state="blocked", home_status=403, error="HTTP 403 WAF challenge")
    missing = SiteSpec("230N", "未评分网站", "http://n.example.gov.cn/", verdict=None, crawl_state="unreachable",
                       error="Connection refused")
    ok = SiteSpec("230Q", "合格网站", "http://q.example.gov.cn/")
    add_run(engine, "r", dt.date(2017, 12, 15), [blocked, missing, ok])
    bundle = render_bundle(engine, "r", tmp_path / "out", templates)
    data = json.loads((bundle / "results.json").read_text("utf-8"))
    assert data["summary"]["pass_rate"] == 100.0 and data["summary"]["unaudited"] == 2
    text = lxml.html.fromstring((bundle / "index.html").read_bytes()).text_content()
    assert "HTTP 403 WAF challenge" in text and "Connection refused" in text
    assert "访问被拦截" in text
