"""The report reads what a finding is about from its typed columns (check, subject_url, evidence_refs), never
from the keys of its evidence JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html
from sqlalchemy.orm import Session

from govaudit.reporting import build_report, render_bundle

from .factory import ColumnSpec, FindingSpec, SiteSpec, add_run, make_engine

HOME = "http://www.example.gov.cn/"
NEWS, NOTICE, POLICY = HOME + "zwdt/", HOME + "tzgg/", HOME + "zcwj/"


def _site(findings: list[FindingSpec], home: str = HOME) -> SiteSpec:
    cols = [ColumnSpec("政务动态", NEWS, "news", dt.date(2017, 5, 3)),
            ColumnSpec("通知公告", NOTICE, "notice", dt.date(2017, 12, 1)),
            ColumnSpec("政策文件", POLICY, "policy", None, blank=True, http_status=404)]
    return SiteSpec("230S", "示例网站", home, verdict="qualified", score=90.0, findings=findings, columns=cols)


def test_stale_columns_are_the_columns_a_freshness_finding_cites(tmp_path: Path, templates: Path) -> None:
    findings = [
        # evidence keys name 通知公告, the typed reference names 政务动态: the reference counts
        FindingSpec("C19-D4", "deduction", "动态要闻", "政务动态超过2周未更新", 5.0, {"column_url": NOTICE},
                    check="column_freshness", subject_url=NEWS, refs=[{"table": "columns", "url": NEWS}]),
        # a broken column link cites its column, but is no freshness finding
        FindingSpec("C19-D22", "deduction", "可用性", "栏目链接不可用", 0.2, {"column_url": POLICY},
                    check="broken_links", subject_url=POLICY, refs=[{"table": "columns", "url": POLICY}]),
    ]
    engine = make_engine(tmp_path / "db.sqlite")
    add_run(engine, "r", dt.date(2017, 12, 15), [_site(findings)])
    with Session(engine) as s:
        site = build_report(s, "r").sites[0]
    assert {c.url: c.stale for c in site.columns} == {NEWS: True, NOTICE: False, POLICY: False}
    assert [c.flagged_by for c in site.columns if c.stale] == [["C19-D4"]]
    bundle = render_bundle(engine, "r", tmp_path / "out", templates)
    doc = lxml.html.fromstring((bundle / site.file).read_bytes())
    assert [" ".join(tr.xpath("./td")[0].text_content().split())
            for tr in doc.xpath("//section[@id='columns']//tr[contains(@class,'stale')]")] == ["政务动态"]
    with Session(engine) as s:
        monitoring = build_report(s, "r").monitoring.rows[0]
    assert [c.url for c in monitoring.stale_columns] == [NEWS]
    engine.dispose()


def test_rectification_pairs_findings_by_subject_url(tmp_path: Path) -> None:
    """The site moved to https on another host between the runs: subjects still pair, site-relative."""
    moved = "https://new.example.gov.cn/"

    def stale(subject: str, evidence_url: str) -> FindingSpec:
        return FindingSpec("C19-D4", "deduction", "动态要闻", "未更新", 5.0, {"url": evidence_url, "latest": "2017-05-03"},
                           check="column_freshness", subject_url=subject, refs=[])

    engine = make_engine(tmp_path / "db.sqlite")
    add_run(engine, "before", dt.date(2017, 9, 15), [_site([stale(NEWS, HOME + "x/"), stale(NOTICE, HOME + "y/")])])
    add_run(engine, "after", dt.date(2017, 12, 15),
            [_site([stale(moved + "zwdt/", moved + "other/"), stale(moved + "zcwj/", moved + "x/")], home=moved)])
    with Session(engine) as s:
        rect = build_report(s, "after").rectified[0]
    got = sorted((c.status, (c.before or c.after).subject_url) for c in rect.changes)
    assert got == [("fixed", NOTICE), ("new", moved + "zcwj/"), ("open", NEWS)]
    engine.dispose()
