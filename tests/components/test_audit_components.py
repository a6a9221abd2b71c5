"""The audit's Scrapy adapters in process: the run is built once and handed to every component; a site's
evidence goes through the pipelines into SQL and is scored when its last request is settled; the run's
status is written by one extension; an interrupted run scores nothing it did not finish."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from govaudit.runs import current_run
from govaudit.store import models as m
from govaudit.store.db import session_factory

from .conftest import PAGES, Harness, site_row

ASOF = "2017-12-15"
HOME = (PAGES / "features" / "home_full_footer.html").read_bytes()


async def _collect(agen: Any) -> list[Any]:
    return [r async for r in agen]


def _start(h: Harness) -> list[Any]:
    return asyncio.run(_collect(h.spider.start()))


def _session(h: Harness) -> Any:
    return session_factory(h.crawler.settings.get("GOVAUDIT_DATABASE_URL"))()


def test_the_run_is_built_once_and_opened_in_sql(harness: Any) -> None:
    h = harness([site_row("A1", "http://127.0.0.2:9/")], asof=ASOF, rubric="census-2015", run="r-one")
    run = current_run(h.crawler)
    assert run is not None and run is h.spider.run
    assert (run.run_id, run.asof, run.rubric.name, run.role) == ("r-one", dt.date(2017, 12, 15), "census-2015", "seed")
    assert [s.site_id for s in run.targets] == ["A1"]
    with _session(h) as s:
        row = s.get(m.Run, "r-one")
        assert row is not None and row.status == "running" and row.evidence_run_id == "r-one"
        assert row.timezone == "Asia/Shanghai" and row.rubric_hash == run.rubric.digest
        snap = s.get(m.RubricSnapshot, run.rubric.digest)
        assert snap is not None and "census-2015" in snap.text
        assert [r.site_id for r in s.scalars(select(m.RunSite).where(m.RunSite.run_id == "r-one"))] == ["A1"]
    # no component reads run state off the spider: each was handed the same run object
    assert h.extensions["RunLifecycle"].run is run
    assert h.extensions["ReportOnClose"].run is run


def test_unknown_argument_is_refused_before_any_request(harness: Any) -> None:
    with pytest.raises(SystemExit, match="smaple"):
        harness([site_row("A1", "http://127.0.0.2:9/")], asof=ASOF, smaple="0.3")


def test_registry_without_sites_is_refused(harness: Any) -> None:
    with pytest.raises(SystemExit, match="no site to audit"):
        harness([], asof=ASOF)


def test_unwritable_reports_folder_is_refused(harness: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(SystemExit, match="reports folder"):
        harness([site_row("A1", "http://127.0.0.2:9/")], {"GOVAUDIT_REPORTS_DIR": str(blocker / "r")}, asof=ASOF)


def _crawl_site(h: Harness, fail_rest: bool) -> list[Any]:
    (home_req,) = _start(h)
    pending = h.respond(home_req, HOME)
    assert pending, "the home page yields column and link requests"
    if not fail_rest:
        return pending
    # every column and link answers 404: evidence of its own, and the site's last request settles it
    while pending:
        req = pending.pop()
        pending.extend(h.respond(req, b"<html><body>404</body></html>", status=404))
    return []


def test_a_finished_site_is_scored_and_the_run_finished_and_reported(harness: Any) -> None:
    h = harness([site_row("A1", "http://127.0.0.2:9/")], asof=ASOF, run="r-fin")
    _crawl_site(h, fail_rest=True)
    with _session(h) as s:  # scored as soon as its last request settled, before the run closes
        assert s.get(m.Score, ("r-fin", "A1")) is not None
        assert s.get(m.RunSite, ("r-fin", "A1")).done
        cols = list(s.scalars(select(m.Column).where(m.Column.run_id == "r-fin")))
        assert any(c.http_status == 404 for c in cols) and any(c.source == "home" for c in cols)
    h.close("finished")
    with _session(h) as s:
        assert s.get(m.Run, "r-fin").status == "finished"
    assert (Path(h.crawler.settings.get("GOVAUDIT_REPORTS_DIR")) / "r-fin" / "index.html").is_file()


def test_a_report_process_that_dies_is_rendered_by_the_crawler(harness: Any, monkeypatch: Any, caplog: Any) -> None:
    """The report renders in a process of its own; killed before it finishes (out of memory, say), the
    crawler renders the bundle itself and says so."""
    from govaudit.extensions import report as report_extension
    from govaudit.reporting.apart import ReportProcess

    class KilledBeforeGo(ReportProcess):
        def go(self) -> None:
            os.kill(self._proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
            self._proc.join(10)
            super().go()

    monkeypatch.setattr(report_extension, "ReportProcess", KilledBeforeGo)
    h = harness([site_row("A1", "http://127.0.0.2:9/")], asof=ASOF, run="r-killed")
    _crawl_site(h, fail_rest=True)
    h.close("finished")
    reports = Path(h.crawler.settings.get("GOVAUDIT_REPORTS_DIR"))
    assert (reports / "r-killed" / "index.html").is_file() and list(reports.iterdir()) == [reports / "r-killed"]
    assert "without answering; rendering in the crawler" in caplog.text
    assert h.crawler.stats.get_value("govaudit/report") == str(reports / "r-killed")


def test_an_interrupted_run_scores_nothing_unfinished_and_names_it(harness: Any, caplog: Any) -> None:
    h = harness([site_row("A1", "http://127.0.0.2:9/"), site_row("A2", "http://127.0.0.3:9/")], asof=ASOF,
                run="r-int")
    (req1, _req2) = _start(h)
    h.respond(req1, HOME)  # A1 has columns outstanding; A2 never answered
    h.close("shutdown")
    with _session(h) as s:
        assert s.get(m.Run, "r-int").status == "interrupted"
        assert list(s.scalars(select(m.Score).where(m.Score.run_id == "r-int"))) == []
        assert not s.get(m.RunSite, ("r-int", "A1")).done
    assert h.crawler.stats.get_value("govaudit/sites_unfinished") == 2
    assert "A1, A2" in caplog.text and "-a run=r-int" in caplog.text


def _seed_running_run(h_factory: Any, tmp_path: Path, run_id: str, owner: str, beat: dt.datetime) -> None:
    h = h_factory([site_row("A1", "http://127.0.0.2:9/")], asof=ASOF, run=run_id)
    with session_factory(h.crawler.settings.get("GOVAUDIT_DATABASE_URL")).begin() as s:
        row = s.get(m.Run, run_id)
        row.owner, row.heartbeat, row.status = owner, beat, "running"


def test_a_run_crawled_by_a_live_process_elsewhere_is_refused(harness: Any, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    _seed_running_run(harness, tmp_path, "r-lock", "other-host:4242", now)
    with pytest.raises(SystemExit, match="r-lock is being crawled by other-host:4242"):
        harness([site_row("A1", "http://127.0.0.2:9/")], asof=ASOF, run="r-lock")


def test_a_stale_lock_is_taken_over_and_unfinished_sites_start_again(harness: Any, tmp_path: Path) -> None:
    stale = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=1)
    _seed_running_run(harness, tmp_path, "r-stale", "other-host:4242", stale)
    h = harness([site_row("A1", "http://127.0.0.2:9/")], asof=ASOF, run="r-stale")
    assert h.spider.run.role == "resume"
    (home,) = _start(h)  # the unfinished site is crawled again from its home page
    assert home.meta["fn"] == "parse_home"


def test_the_last_lines_summarise_the_run_and_set_the_exit_status(harness: Any) -> None:
    from govaudit.extensions.summary import EXIT_ATTR, LINES_ATTR

    h = harness([site_row("A1", "http://127.0.0.2:9/"), site_row("A2", "http://127.0.0.3:9/")], asof=ASOF,
                run="r-sum")
    (req1, _req2) = _start(h)
    h.respond(req1, HOME)
    h.close("shutdown")
    h.extensions["RunSummary"].engine_stopped()
    lines = getattr(h.crawler, LINES_ATTR)
    assert lines[0].startswith("govaudit: run r-sum interrupted")
    assert "sites 2:" in lines[1] and "unfinished 2" in lines[1]
    assert any("-a run=r-sum" in line for line in lines)
    assert getattr(h.crawler, EXIT_ATTR) == 3


def test_a_huge_page_is_cut_before_parsing_and_the_cut_recorded(harness: Any) -> None:
    h = harness([site_row("A1", "http://127.0.0.2:9/")], {"GOVAUDIT_MAX_PARSE_BYTES": 200_000}, asof=ASOF,
                run="r-big")
    (home,) = _start(h)
    columns = [r for r in h.respond(home, HOME) if r.meta["fn"] == "parse_column"]
    row = "<li><a href='/tzgg/{i}.html'>关于某某事项的通知{i}</a><span>2017-12-01</span></li>"
    huge = ("<html><body><ul>" + "".join(row.format(i=i) for i in range(40_000)) + "</ul></body></html>").encode()
    assert len(huge) > 3_000_000
    h.respond(columns[0], huge)
    h.feed([])
    for p in h.pipelines:
        if hasattr(p, "close_spider"):
            p.close_spider()
    with _session(h) as s:
        col = s.scalars(select(m.Column).where(m.Column.run_id == "r-big", m.Column.url == columns[0].url)).one()
        assert "页面过大" in col.error and col.entries_count > 0
        assert col.entries_count < 40_000  # only the first 200 KB were read
