"""A rescore scores the evidence of its source crawl: its report shows the crawl's sites, columns and links,
its own scores and findings, and the verdict wording of the rubric it was scored with. `scrapy rescore`
refuses an as-of date after the evidence was fetched and accepts `latest`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from scrapy.settings import Settings
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govaudit.commands import rescore as rescore_cmd
from govaudit.reporting import build_report, render_bundle
from govaudit.scoring.rubric import load_rubric
from govaudit.scoring.service import score_run
from govaudit.store import db
from govaudit.store import models as m
from govaudit.store.runs import save_rubric_snapshot
from tests.scoring.factory import ASOF, Factory

from .conftest import TEMPLATES
from .factory import make_engine

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"


def _crawl(session: Session) -> None:
    """A small crawl: a good site, a site with stale columns, a 404 column and broken links, a site that was down."""
    f = Factory(session, run_id="crawl")
    f.good_site("good")
    home = f.good_site("poor")
    for i in range(6):
        f.column("poor", f"旧栏目{i}", "news", [400 + i])
    f.column("poor", "失效栏目", "notice", [], http_status=404, error="HTTP 404")
    f.link("poor", home + "gone.html", on_home=True)
    f.link("poor", home + "img/x.jpg", on_home=False, page_url=home + "col/news/", status=500)
    f.site("down", crawl_state="unreachable")
    f.commit()


def _command(db_url: str, argv: list[str]) -> rescore_cmd.Command:
    cmd = rescore_cmd.Command()
    cmd.settings = Settings({"GOVAUDIT_DATABASE_URL": db_url, "GOVAUDIT_RUBRICS_DIR": str(RUBRICS),
                             "GOVAUDIT_DEFAULT_RUBRIC": "inspection-2019"})
    parser = argparse.ArgumentParser()
    cmd.add_options(parser)
    opts, args = parser.parse_known_args(argv)
    cmd.run(args, opts)
    return cmd


def _tables(page: Path) -> dict[str, list[list[str]]]:
    """Rows of the site page's column table (without the 状态 cell, which depends on the rubric) and link table."""
    doc = lxml.html.fromstring(page.read_bytes())

    def rows(section: str) -> list[list[str]]:
        return [[" ".join(td.text_content().split()) for td in tr.xpath("./td")]
                for tr in doc.xpath(f"//section[@id='{section}']//tbody/tr")]

    columns = [row[:5] + row[6:] for row in rows("columns")]
    return {"columns": columns, "links": rows("links"), "guides": rows("guides")}


@pytest.fixture
def crawled(db_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The crawl, scored under the 2019 rubric, on an SQLite file and on PostgreSQL."""
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as s:
        _crawl(s)
        score_run(s, "crawl", load_rubric("inspection-2019", RUBRICS), ASOF)
    engine.dispose()
    yield db_url, tmp_path
    engines = db._ENGINES.pop(db_url, None)
    if engines is not None:
        engines.dispose()


def test_rescore_report_shows_the_source_crawls_columns_and_links(crawled, capsys) -> None:
    db_url, tmp_path = crawled
    cmd = _command(db_url, ["latest", "--rubric", "census-2015"])
    assert cmd.exitcode == 0, capsys.readouterr().out
    engine = make_engine(db_url)
    with Session(engine) as s:
        rescore = s.scalars(select(m.Run).where(m.Run.kind == "rescore")).one()
        assert (rescore.evidence_run_id, rescore.parent_run_id, rescore.rubric) == ("crawl", "crawl", "census-2015")
        assert rescore.status == "finished" and rescore.rubric_hash
        # nothing copied: the rescore has scores and findings, no run_sites or evidence rows
        assert s.scalar(select(func.count()).select_from(m.RunSite).where(m.RunSite.run_id == rescore.id)) == 0
        assert s.scalar(select(func.count()).select_from(m.Score).where(m.Score.run_id == rescore.id)) == 3
    source = render_bundle(engine, "crawl", tmp_path / "out", TEMPLATES, rubrics_dir=RUBRICS)
    again = render_bundle(engine, rescore.id, tmp_path / "out", TEMPLATES, rubrics_dir=RUBRICS)
    a = json.loads((source / "results.json").read_text("utf-8"))
    b = json.loads((again / "results.json").read_text("utf-8"))
    assert b["run"]["evidence_run_id"] == "crawl" and b["run"]["rubric"] == "census-2015"
    assert b["summary"]["checked"] == a["summary"]["checked"] == 3
    assert [s["site_id"] for s in b["sites"]] == [s["site_id"] for s in a["sites"]]

    def evidence(data: dict) -> list:
        return [[{k: v for k, v in c.items() if k != "stale"} for c in s["columns"]] for s in data["sites"]]

    assert evidence(a) == evidence(b)
    by_id = {s["site_id"]: s for s in b["sites"]}
    for site in a["sites"]:
        pa, pb = _tables(source / site["page"]), _tables(again / by_id[site["site_id"]]["page"])
        assert pa == pb, site["site_id"]
    poor = _tables(again / by_id["poor"]["page"])
    assert len(poor["columns"]) > 10 and len(poor["links"]) == 2     # today's bug: 0 columns, 0 broken links
    # the rescore's own findings name the crawl's columns: its stale columns are marked
    with Session(engine) as s:
        report = build_report(s, rescore.id)
    stale = {c.name for site in report.sites for c in site.columns if c.stale}
    assert {f"旧栏目{i}" for i in range(6)} <= stale
    found = [f.indicator for site in report.sites for f in site.findings]     # the rescore's own findings
    assert found and all(i.startswith("P15-") or i == "" for i in found)
    engine.dispose()


def test_rescore_refuses_an_asof_after_the_evidence_was_fetched(crawled, capsys) -> None:
    """A rescore at a later date would judge days nobody looked at (and veto every site): the as-of date may
    be as late as the day the evidence was fetched, in the crawl's time zone, not later."""
    db_url, _ = crawled
    engine = make_engine(db_url)
    with Session(engine) as s, s.begin():
        fetched = dt.datetime(2024, 7, 1, 17, 30)          # UTC: 2 July 01:30 in Asia/Shanghai
        for model in (m.Page, m.Column):
            s.execute(update(model).where(model.run_id == "crawl").values(fetched_at=fetched))
    cmd = _command(db_url, ["crawl", "--asof", "2024-07-03"])
    out = capsys.readouterr().out
    assert cmd.exitcode == 1 and "2024-07-02" in out and "Asia/Shanghai" in out
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(m.Run).where(m.Run.kind == "rescore")) == 0
    cmd = _command(db_url, ["crawl", "--asof", "2024-07-02"])
    assert cmd.exitcode == 0 and "as of 2024-07-02" in capsys.readouterr().out
    # a crawl in UTC fetched on 1 July: 2 July is too late there
    with Session(engine) as s, s.begin():
        s.execute(update(m.Run).where(m.Run.id == "crawl").values(timezone="UTC"))
    cmd = _command(db_url, ["crawl", "--asof", "2024-07-02"])
    assert cmd.exitcode == 1 and "2024-07-01" in capsys.readouterr().out
    engine.dispose()


def test_rescore_latest_without_runs_fails_cleanly(tmp_path: Path, capsys) -> None:
    db = tmp_path / "empty.sqlite"
    make_engine(db).dispose()
    cmd = _command(f"sqlite:///{db}", ["latest"])
    assert cmd.exitcode == 1 and "no runs" in capsys.readouterr().out


def test_verdict_wording_comes_from_the_runs_rubric(tmp_path: Path) -> None:
    """The pass mark and the 判定依据 wording are those of the rubric the run was scored with (its stored
    snapshot), even after the file changed or disappeared."""
    text = (RUBRICS / "inspection-2019.yaml").read_text("utf-8")
    assert "pass_mark: 60" in text
    variant = tmp_path / "strict.yaml"
    variant.write_text(text.replace("pass_mark: 60", "pass_mark: 95", 1).replace(
        "basis_fail: 得分{deduction_score}分，低于{pass_mark}分", "basis_fail: 得分{deduction_score}分，未达{pass_mark}分合格线",
        1), "utf-8")
    rubric = load_rubric(str(variant), RUBRICS)
    engine = make_engine(tmp_path / "db.sqlite")
    with Session(engine, expire_on_commit=False) as s:
        f = Factory(s, run_id="strict", rubric=str(variant))
        f.good_site("s")
        f.manual("s", "C19-D16", 7)
        f.commit()
        save_rubric_snapshot(s, rubric)
        s.execute(update(m.Run).where(m.Run.id == "strict").values(rubric_hash=rubric.digest))
        results = score_run(s, "strict", rubric, ASOF)
    assert results["s"].verdict == "unqualified" and results["s"].deduction_score == 93
    variant.unlink()
    bundle = render_bundle(engine, "strict", tmp_path / "out", TEMPLATES, rubrics_dir=RUBRICS)
    table = lxml.html.fromstring((bundle / "attachment2.html").read_bytes()).text_content()
    assert "得分93分，未达95分合格线" in table and "低于60分" not in table
    engine.dispose()


def test_vetoed_site_is_shown_without_a_score(tmp_path: Path) -> None:
    """「不再对其他指标进行评分」: 附件2, the site page and results.json show no score for a vetoed site."""
    engine = make_engine(tmp_path / "db.sqlite")
    with Session(engine, expire_on_commit=False) as s:
        f = Factory(s, run_id="v")
        f.good_site("s")
        f.manual("s", "C19-V1", None, "将领导人姓名写错")
        f.manual("s", "C19-D16", 7, "留言无法提交")
        f.commit()
        score_run(s, "v", load_rubric("inspection-2019", RUBRICS), ASOF)
    bundle = render_bundle(engine, "v", tmp_path / "out", TEMPLATES, rubrics_dir=RUBRICS)
    site = json.loads((bundle / "results.json").read_text("utf-8"))["sites"][0]
    assert site["verdict"] == "unqualified" and site["score"] is None and site["vetoes"] == ["C19-V1"]
    row = lxml.html.fromstring((bundle / "attachment2.html").read_bytes()).xpath("//table[@class='list']/tbody/tr")
    cells = [td.text_content().strip() for td in row[0].xpath("./td")]
    assert cells[5] == "—" and cells[6] == "单项否决：安全、泄密事故等严重问题"
    page = lxml.html.fromstring((bundle / site["page"]).read_bytes())
    assert "不计分" in page.get_element_by_id("score").text_content()
    d16 = [tr for tr in page.xpath("//table[@class='findings']/tbody/tr") if "C19-D16" in tr.text_content()]
    assert d16 and "未计分" in d16[0].text_content()
    notice = lxml.html.fromstring((bundle / "notice.html").read_bytes()).text_content()
    assert "将领导人姓名写错" in notice and "93分" not in notice
    engine.dispose()
