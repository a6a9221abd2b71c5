"""Rectification: fixed / still open / new against the latest earlier run that covered the site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from sqlalchemy.orm import Session

from govaudit.reporting import build_report, render_bundle

from .factory import ColumnSpec, FindingSpec, SiteSpec, add_run, make_engine

HOME = "http://www.mdj-wh.gov.cn/"
NEWS = HOME + "zwdt/"
NOTICE = HOME + "tzgg/"


def _site(verdict: str, score: float | None, findings: list[FindingSpec]) -> SiteSpec:
    cols = [ColumnSpec("政务动态", NEWS, "news", dt.date(2017, 5, 3)), ColumnSpec("通知公告", NOTICE, "notice", dt.date(2017, 6, 1))]
    return SiteSpec("2310000012", "牡丹江市文化广电新闻出版局", HOME, region="牡丹江市", verdict=verdict, score=score,
                    vetoes=["C19-V3"] if verdict == "unqualified" else [], findings=findings, columns=cols)


def _stale(url: str, name: str, date: str) -> FindingSpec:
    return FindingSpec("C19-D9", "deduction", "其他栏目", f"{name} 最近更新 {date}", 1.0, {"column_url": url, "latest": date})


def test_fixed_open_new(tmp_path: Path, templates: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    before = [
        FindingSpec("C19-V3", "veto", "首页不更新", "首页2周内无更新", 0, {"url": HOME, "latest": "2017-11-01"}),
        _stale(NEWS, "政务动态", "2017-05-03"),
        _stale(NOTICE, "通知公告", "2017-06-01"),
        FindingSpec("C19-D23", "deduction", "找错入口", "未添加找错入口", 1.0, {"url": HOME}),
    ]
    after = [
        _stale(NEWS, "政务动态", "2017-05-03"),
        FindingSpec("C19-D23", "deduction", "找错入口", "未添加找错入口", 1.0, {"url": HOME}),
        FindingSpec("C19-D22", "deduction", "可用性", "首页存在不可用链接", 0.2, {"links": [{"url": HOME + "x.jpg", "status": 404}]}),
        FindingSpec("C19-B1", "bonus", "数据发布", "有数据发布", 2.0, {}),
    ]
    other = SiteSpec("2310000099", "其他网站", "http://other.gov.cn/")
    add_run(engine, "q3", dt.date(2017, 9, 15), [_site("unqualified", None, before), other])
    add_run(engine, "older", dt.date(2017, 6, 15), [_site("qualified", 99.0, [])])
    add_run(engine, "rerun", dt.date(2017, 12, 20), [_site("qualified", 97.8, after)], kind="audit", params={"site": "2310000012"})
    with Session(engine) as s:
        report = build_report(s, "rerun")
    assert len(report.rectified) == 1
    r = report.rectified[0]
    assert r.previous_run_id == "q3"  # the latest earlier run, not the older one
    assert (r.verdict_before, r.verdict_after) == ("unqualified", "qualified")
    got = sorted((c.status, c.indicator, (c.before or c.after).match_key) for c in r.changes)
    # match keys are site-relative (path and query): a site that moved host or to https still matches
    assert got == sorted([
        ("fixed", "C19-V3", urlsplit(HOME).path),
        ("fixed", "C19-D9", urlsplit(NOTICE).path),
        ("open", "C19-D9", urlsplit(NEWS).path),
        ("open", "C19-D23", urlsplit(HOME).path),
        ("new", "C19-D22", None),
    ])
    bundle = render_bundle(engine, "rerun", tmp_path / "out", templates)
    doc = lxml.html.fromstring((bundle / "rectification.html").read_bytes())
    rows = doc.xpath("//table[contains(@class,'rect-table')]/tbody/tr")
    assert sorted(r.get("class") for r in rows) == sorted(["s-fixed", "s-fixed", "s-open", "s-open", "s-new"])
    fixed_notice = [r for r in rows if r.get("class") == "s-fixed" and NOTICE in r.text_content()]
    assert len(fixed_notice) == 1 and fixed_notice[0].xpath("./td[4]")[0].text_content().strip() == "—"
    site_page = (bundle / report.sites[0].file).read_text("utf-8")
    assert "已整改 2 项，仍未整改 2 项，新发现 1 项" in site_page


def test_first_run_has_no_rectification(tmp_path: Path, templates: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    add_run(engine, "only", dt.date(2017, 12, 20), [_site("qualified", 99.0, [])])
    bundle = render_bundle(engine, "only", tmp_path / "out", templates)
    assert not (bundle / "rectification.html").exists()
    assert "rectification.html" not in (bundle / "index.html").read_text("utf-8")
