"""The numbers on the pages equal the SQL."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from govaudit.reporting import build_report
from govaudit.reporting.stats import pass_rate, rate_change
from govaudit.store.models import RunSite, Score


def _text_by_id(path: Path, ident: str) -> str:
    return lxml.html.fromstring(path.read_bytes()).get_element_by_id(ident).text_content().strip()


def _sql_counts(engine: Engine, run_id: str) -> tuple[int, int, int]:
    with Session(engine) as s:
        checked = s.scalar(select(func.count()).select_from(RunSite).where(RunSite.run_id == run_id))
        q = s.scalar(select(func.count()).select_from(Score).where(Score.run_id == run_id, Score.verdict == "qualified"))
        u = s.scalar(select(func.count()).select_from(Score).where(Score.run_id == run_id, Score.verdict == "unqualified"))
    return checked, q, u


def test_pass_rate_rounds_like_the_notice() -> None:
    assert str(pass_rate(166, 170 - 166)) == "97.6"
    assert str(pass_rate(1, 8)) == "11.1"
    assert str(pass_rate(1, 7)) == "12.5"  # half up, not to even
    assert pass_rate(0, 0) is None
    assert str(rate_change(pass_rate(166, 4), pass_rate(150, 5))) == "0.8"


def test_index_numbers_equal_sql(spotcheck: tuple[Engine, Path]) -> None:
    engine, bundle = spotcheck
    checked, q, u = _sql_counts(engine, "2017q4")
    assert (checked, q, u) == (170, 166, 4)
    index = bundle / "index.html"
    assert _text_by_id(index, "checked") == str(checked)
    assert _text_by_id(index, "qualified") == str(q)
    assert _text_by_id(index, "unqualified") == str(u)
    assert _text_by_id(index, "pass-rate") == "97.6%"
    prev = _sql_counts(engine, "2017q3")
    assert prev == (155, 150, 5)  # 96.8%
    assert _text_by_id(index, "change") == "环比上涨0.8个百分点"


def test_notice_states_totals_and_lists(spotcheck: tuple[Engine, Path]) -> None:
    _, bundle = spotcheck
    text = lxml.html.fromstring((bundle / "notice.html").read_bytes()).text_content()
    assert "抽查政府网站170家，其中合格政府网站166家，不合格政府网站4家，总体合格率97.6%" in text
    assert "环比上涨0.8个百分点" in text
    assert "登记的网站共1560家，其中下线网站993家（含临时下线网站8家和永久下线网站985家）" in text
    assert "正常运行的政府网站567家" in text
    assert "2017年12月10日至14日" in text
    for heading in ("一、总体情况", "二、存在问题", "三、工作要求"):
        assert heading in text


def test_attachments_list_exactly_the_sql_sites(spotcheck: tuple[Engine, Path]) -> None:
    engine, bundle = spotcheck
    with Session(engine) as s:
        names = dict(s.execute(select(RunSite.site_id, RunSite.name).where(RunSite.run_id == "2017q4")).all())
        verdicts = dict(s.execute(select(Score.site_id, Score.verdict).where(Score.run_id == "2017q4")).all())
    for page, verdict in (("attachment1.html", "qualified"), ("attachment2.html", "unqualified")):
        doc = lxml.html.fromstring((bundle / page).read_bytes())
        rows = doc.xpath("//table[contains(@class,'list')]/tbody/tr")
        expected = [sid for sid, v in verdicts.items() if v == verdict]
        assert len(rows) == len(expected)
        shown_ids = {r.xpath("./td[2]/small")[0].text_content() for r in rows}
        assert shown_ids == set(expected)
        if verdict == "unqualified":
            assert all("单项否决" in r.xpath("./td[7]")[0].text_content() for r in rows)
            assert {r.xpath("./td[2]/a")[0].text_content() for r in rows} == {names[i] for i in expected}


def test_problems_name_the_sites_and_link_evidence(spotcheck: tuple[Engine, Path]) -> None:
    _, bundle = spotcheck
    doc = lxml.html.fromstring((bundle / "index.html").read_bytes())
    first = doc.xpath("//section[@id='problems']/article")[0]
    assert "栏目不更新" in first.xpath(".//h3")[0].text_content()
    assert len(first.xpath(".//ul[@class='problem-sites']/li")) == 4
    hrefs = first.xpath(".//ul[@class='evidence']//a/@href")
    assert hrefs and all(h.startswith("http://www") for h in hrefs)


def test_site_page_marks_stale_columns_from_evidence(spotcheck: tuple[Engine, Path]) -> None:
    engine, bundle = spotcheck
    with Session(engine) as s:
        report = build_report(s, "2017q4")
    bad = next(site for site in report.sites if site.verdict == "unqualified")
    referenced = set(bad.findings[0].evidence["columns"])
    assert {c.url for c in bad.columns if c.stale} == referenced
    doc = lxml.html.fromstring((bundle / bad.file).read_bytes())
    stale_rows = doc.xpath("//section[@id='columns']//tr[contains(@class,'stale')]")
    assert len(stale_rows) == len(referenced)
    assert doc.get_element_by_id("verdict").text_content() == "不合格"


def test_results_json_schema(spotcheck: tuple[Engine, Path]) -> None:
    engine, bundle = spotcheck
    data = json.loads((bundle / "results.json").read_text("utf-8"))
    assert set(data) >= {"run", "summary", "sites"}
    assert set(data["run"]) >= {"id", "asof", "rubric", "started", "finished"}
    assert data["run"]["id"] == "2017q4" and data["run"]["asof"] == "2017-12-15"
    assert {k: data["summary"][k] for k in ("checked", "qualified", "unqualified", "pass_rate")} == {
        "checked": 170, "qualified": 166, "unqualified": 4, "pass_rate": 97.6,
    }
    assert len(data["sites"]) == 170
    for site in data["sites"]:
        assert set(site) >= {"site_id", "name", "url", "verdict", "score", "vetoes", "deductions", "columns"}
        assert isinstance(site["vetoes"], list)
        for d in site["deductions"]:
            assert set(d) >= {"indicator", "points", "evidence"}
        for c in site["columns"]:
            assert set(c) >= {"name", "url", "category", "latest", "entries", "blank", "stale"}
    with Session(engine) as s:
        vetoed = set(s.scalars(select(Score.site_id).where(Score.run_id == "2017q4", Score.verdict == "unqualified")))
    assert {x["site_id"] for x in data["sites"] if x["vetoes"] == ["C19-V4a"]} == vetoed


def test_monitoring_availability_from_probes(spotcheck: tuple[Engine, Path]) -> None:
    engine, bundle = spotcheck
    with Session(engine) as s:
        report = build_report(s, "2017q4")
    rows = {r.site.site_id: r for r in report.monitoring.rows}
    first = report.sites[0].site_id
    assert rows[first].probes == 480 and rows[first].probes_ok == 432
    assert str(rows[first].availability) == "90.0"
    page = (bundle / "monitoring.html").read_text("utf-8")
    assert "90.0%" in page


def test_report_on_both_stores(db_url: str, tmp_path: Path) -> None:
    """The same queries on SQLite and PostgreSQL (skipped without GOVAUDIT_TEST_PG_URL)."""
    import datetime as dt

    from govaudit.reporting import render_bundle

    from .conftest import TEMPLATES
    from .factory import add_run, make_engine, spotcheck_sites

    engine = make_engine(db_url)
    try:
        add_run(engine, "a", dt.date(2017, 9, 15), spotcheck_sites(12, 2, dt.date(2017, 9, 15), seed=1))
        add_run(engine, "b", dt.date(2017, 12, 15), spotcheck_sites(12, 1, dt.date(2017, 12, 15), seed=2))
        bundle = render_bundle(engine, "b", tmp_path / "out", TEMPLATES)
        data = json.loads((bundle / "results.json").read_text("utf-8"))
        assert data["summary"]["pass_rate"] == 91.7 and data["summary"]["previous"]["pass_rate"] == 83.3
        assert data["summary"]["previous"]["change_pp"] == 8.4
        assert (bundle / "rectification.html").exists()
    finally:
        engine.dispose()
