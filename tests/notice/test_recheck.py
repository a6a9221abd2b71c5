"""-a due= and -a recheck=RUN: argument checks, the problem sites of a run, and the recheck summary
(fixed / not fixed / overdue) on the rectification page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy.orm import Session

from govaudit.reporting import render_bundle
from govaudit.reporting.recheck import problem_site_ids
from govaudit.spiders.args import ArgumentError, parse_audit_args
from tests.reporting.factory import HLJ_TOTALS, add_run, make_engine, spotcheck_sites

TEMPLATES = Path(__file__).resolve().parents[2] / "reports"


def _args(**raw: str) -> object:
    return parse_audit_args(dict(raw), default_registry="r.csv", default_rubric="inspection-2019", tz="Asia/Shanghai")


def test_due_and_recheck_arguments() -> None:
    args = _args(asof="2017-12-14", due="2018-01-05", recheck="2017q4")
    assert args.due == dt.date(2018, 1, 5) and args.recheck == "2017q4"
    with pytest.raises(ArgumentError, match="after the as-of date"):
        _args(asof="2017-12-14", due="2017-12-01")
    with pytest.raises(ArgumentError, match="YYYY-MM-DD"):
        _args(asof="2017-12-14", due="next week")
    with pytest.raises(ArgumentError, match="recheck="):
        _args(recheck="../etc")


def test_recheck_reports_fixed_open_and_overdue(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "db.sqlite")
    first = spotcheck_sites(6, 3, dt.date(2017, 12, 14), seed=5)
    add_run(engine, "q4", dt.date(2017, 12, 14), first, totals=HLJ_TOTALS, params={"due": "2018-01-05"})
    with Session(engine) as session:
        problems = problem_site_ids(session, "q4")
    bad = [s.site_id for s in first if s.verdict == "unqualified"]
    assert set(bad) <= set(problems)
    # the recheck: the first unqualified site fixed everything, the others kept their findings
    again = [s for s in spotcheck_sites(6, 3, dt.date(2018, 1, 10), seed=5) if s.site_id in problems]
    fixed = bad[0]
    for s in again:
        if s.site_id == fixed:
            s.verdict, s.findings, s.vetoes, s.score = "qualified", [], [], 96.0
    add_run(engine, "recheck", dt.date(2018, 1, 10), again, totals=HLJ_TOTALS, params={"recheck": "q4"})
    bundle = render_bundle(engine, "recheck", tmp_path / "reports", TEMPLATES)
    doc = lxml.html.parse(str(bundle / "rectification.html")).getroot()
    # every other problem site (also the qualified ones with deductions) kept its findings: not fixed, and
    # the recheck (2018-01-10) is after the deadline of the rechecked run (2018-01-05): overdue
    assert doc.get_element_by_id("recheck-fixed").text_content() == "1"
    assert doc.get_element_by_id("recheck-not-fixed").text_content() == str(len(problems) - 1)
    assert doc.get_element_by_id("recheck-overdue").text_content() == str(len(problems) - 1)
    text = re.sub(r"\s+", "", doc.text_content())
    assert "整改期限2018年1月5日" in text


def test_recheck_run_targets_every_problem_site(tmp_path: Path) -> None:
    """`-a recheck=RUN` builds a run of exactly RUN's problem sites, with RUN's rubric, keeping the deadline."""
    from scrapy.settings import Settings

    from govaudit import settings as project_settings
    from govaudit.runs.build import crawl_run

    db = tmp_path / "db.sqlite"
    sites = spotcheck_sites(6, 2, dt.date(2017, 12, 14), seed=5)
    add_run(make_engine(db), "q4", dt.date(2017, 12, 14), sites, totals=HLJ_TOTALS, params={"due": "2018-01-05"})
    registry = tmp_path / "registry.csv"
    registry.write_text("site_id,name,url,organizer,region,level,kind,status\n" + "".join(
        f"{s.site_id},{s.name},{s.url},{s.name},{s.region},{s.level},department,running\n" for s in sites),
        encoding="utf-8")
    settings = Settings({k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()})
    settings.set("GOVAUDIT_DATABASE_URL", f"sqlite:///{db}")
    settings.set("GOVAUDIT_REPORTS_DIR", str(tmp_path / "reports"))
    with Session(make_engine(db)) as session:
        problems = problem_site_ids(session, "q4")
    run = crawl_run(settings, {"recheck": "q4", "registry": str(registry), "asof": "2018-01-10", "run": "rc"})
    assert sorted(s.site_id for s in run.targets) == problems
    assert run.params["recheck"] == "q4" and run.rubric.name == "inspection-2019"
    with pytest.raises(ArgumentError, match="must come after"):
        crawl_run(settings, {"recheck": "q4", "registry": str(registry), "asof": "2017-12-01"})
