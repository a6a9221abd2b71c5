"""The crawl's report in a process of its own (govaudit.reporting.apart): it writes what does not link the
screenshots at once, and the site pages only after `go()`, with the screenshots stored meanwhile; a process
that dies or a render that fails is said so."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from pathlib import Path

from sqlalchemy.orm import Session

from govaudit.reporting.apart import ReportJob, ReportProcess
from govaudit.store import models as m

from .conftest import TEMPLATES
from .factory import SiteSpec, add_run, make_engine

HOME = "http://a.example.gov.cn/"


def _job(tmp_path: Path) -> ReportJob:
    db = tmp_path / "db.sqlite"
    engine = make_engine(db)
    add_run(engine, "r", dt.date(2017, 12, 15), [SiteSpec("230A", "甲网站", HOME, verdict="qualified", score=95.0)])
    with Session(engine) as s, s.begin():
        s.add(m.Page(run_id="r", site_id="230A", url=HOME, kind="home", status=200))
    engine.dispose()
    return ReportJob(database_url=f"sqlite:///{db}", run_id="r", reports_dir=str(tmp_path / "out"),
                     templates_dir=str(TEMPLATES), evidence_dir=str(tmp_path / "evidence"))


def _wait_for(pattern: str, folder: Path, timeout: float = 60.0) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(folder.glob(pattern))
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no {pattern} under {folder} after {timeout} s")


def _store_shot(job: ReportJob) -> None:
    """The run's last screenshot, taken while the report process was already rendering."""
    rel = "r/screenshots/230A/home.jpg"
    image = Path(str(job.evidence_dir)) / rel
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    engine = make_engine(Path(job.database_url.removeprefix("sqlite:///")))
    with Session(engine) as s, s.begin():
        s.add(m.Screenshot(run_id="r", site_id="230A", url=HOME, path=rel, captured_at=dt.datetime(2017, 12, 15, 2)))
    engine.dispose()


def test_site_pages_wait_for_go_and_link_screenshots_stored_meanwhile(tmp_path: Path) -> None:
    job = _job(tmp_path)
    out = tmp_path / "out"
    child = ReportProcess(job)
    try:
        # the run's pages are written before go(); the site pages are not
        work = _wait_for(".r.*/index.html", out)[0].parent
        time.sleep(0.3)
        assert (work / "notice.html").is_file() and (work / "results.json").is_file()
        assert not (work / "sites").exists()
        _store_shot(job)
        child.go()
        outcome = child.outcome()
    finally:
        child.kill()
    assert outcome.answered and not outcome.error and not outcome.failed
    bundle = Path(str(outcome.path))
    assert bundle == out / "r" and not work.exists()
    site_page = next((bundle / "sites").glob("*.html")).read_text("utf-8")
    copied = list((bundle / "evidence").rglob("*.jpg"))
    assert len(copied) == 1 and copied[0].read_bytes() == b"\xff\xd8\xff\xe0 a jpeg"
    assert "截图" in site_page and copied[0].relative_to(bundle).as_posix() in site_page


def test_a_process_that_dies_is_said_so(tmp_path: Path) -> None:
    job = _job(tmp_path)
    child = ReportProcess(job)
    _wait_for(".r.*/index.html", tmp_path / "out")
    os.kill(child._proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.go()
    outcome = child.outcome()
    assert not outcome.answered and outcome.path is None
    assert "without answering" in outcome.error
    assert list((tmp_path / "out").iterdir()) == []  # its half-written folder is removed


def test_a_render_that_fails_answers_with_its_error(tmp_path: Path) -> None:
    job = _job(tmp_path)
    child = ReportProcess(ReportJob(**{**job.__dict__, "run_id": "no-such-run"}))
    child.go()
    outcome = child.outcome()
    assert outcome.answered and outcome.path is None
    assert "RunNotFound" in outcome.error and "no-such-run" in outcome.error
