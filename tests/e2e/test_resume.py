"""A run killed mid-crawl (SIGKILL, as a server restart would) resumes from JOBDIR and ends as one run:
every site scored once, no duplicate articles, columns or findings, one report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from govaudit.store import models as m
from tests.e2e.conftest import DEMO_ASOF as ASOF
from tests.e2e.conftest import ROOT, ServedDemo, run_scrapy

pytestmark = pytest.mark.slow


def _count(engine, table: str) -> int:
    try:
        with engine.connect() as c:
            return c.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0
    except Exception:
        return 0


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path, demo: ServedDemo) -> None:
    """The demo server outlives the killed crawl (as `python -m govaudit.demo` on its fixed port does), so
    the resumed crawl finds the same URLs."""
    db_url = f"sqlite:///{tmp_path / 'govaudit.sqlite'}"
    jobdir = tmp_path / "job"
    args = ["crawl", "audit", "-a", demo.arg, "-a", f"asof={ASOF}", "-s", f"JOBDIR={jobdir}",
            "-s", "CONCURRENT_REQUESTS=4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "GOVAUDIT_STORE_BATCH=5"]
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": db_url, "GOVAUDIT_REPORTS_DIR": str(tmp_path / "reports")}
    proc = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = create_engine(db_url)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if _count(engine, "scores") >= 2:
                break
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, "the crawl ended before it could be killed; make it longer"
    scored_before = _count(engine, "scores")
    assert scored_before >= 2
    with engine.connect() as c:
        (run_id,) = c.execute(select(m.Run.id)).one()
        assert c.execute(select(m.Run.status)).scalar() == "running"

    second = run_scrapy(args, db_url, tmp_path / "reports")
    out = second.stdout + second.stderr
    assert second.returncode == 0, out[-4000:]
    assert "(resumed)" in out
    with engine.connect() as c:
        runs = c.execute(select(m.Run.id, m.Run.status)).all()
        assert runs == [(run_id, "finished")]
        sites = c.execute(select(func.count()).select_from(m.RunSite)).scalar()
        pending = c.execute(select(func.count()).select_from(m.RunSite)
                            .where(m.RunSite.crawl_state == "pending")).scalar()
        assert pending == 0
        assert c.execute(select(func.count()).select_from(m.Score)).scalar() == sites
        for cols, model in (((m.Article.site_id, m.Article.column_url, m.Article.url), m.Article),
                            ((m.Column.site_id, m.Column.url), m.Column),
                            ((m.Finding.site_id, m.Finding.indicator, m.Finding.message), m.Finding)):
            dupes = c.execute(select(func.count()).select_from(
                select(*cols).group_by(*cols).having(func.count() > 1).subquery())).scalar()
            assert dupes == 0, model.__tablename__
    assert (tmp_path / "reports" / run_id / "index.html").exists()
